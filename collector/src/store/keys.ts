import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What each kind of secret starts with, so scrubbing and secret scanners recognise it. */
export const KEY_PREFIXES = {
  /** The project key: public, embedded in pages, ingest of page reports only. */
  project: 'shp',
  /** A service key: whoever holds it is that service. */
  service: 'shs',
  /** The admin token. */
  admin: 'sha',
} as const;

/** One kind of secret. */
export type KeyKind = keyof typeof KEY_PREFIXES;

/** SHA-256 of a secret, hex: what the store keeps instead of the secret. */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex');

/**
 * A new secret of `kind`: its prefix, `_`, and 24 random bytes in hex. Word characters only, so a
 * project or service key can stand as the public key of a Sentry DSN (the SDKs accept `\w+`).
 */
export const newSecret = (kind: KeyKind): string =>
  `${KEY_PREFIXES[kind]}_${randomBytes(24).toString('hex')}`;

/** True when `key` can be the public key of a DSN, which Sentry's SDKs check against `\w+`. */
export const fitsDsn = (key: string): boolean => /^\w+$/.test(key);

/** True when `secret` carries the prefix of `kind`. */
export const hasPrefix = (secret: string, kind: KeyKind): boolean =>
  secret.startsWith(`${KEY_PREFIXES[kind]}_`);

/** True when `secret` hashes to `hash`, compared in constant time. */
export function matchesHash(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
