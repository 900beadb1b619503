import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { projects } from '../db/schema.js';
import { fitsDsn } from './keys.js';

/** A project's Sentry DSN, or why there is none yet and how to get one. */
export interface SentryDsn {
  dsn: string | null;
  hint: string | null;
}

/**
 * The DSN a Sentry SDK takes for `project` at the collector reached as `base` (its origin): the
 * public project key and the project's number, as `http://KEY@HOST/NUMBER`.
 */
export function toDsn(base: string, key: string, number: number): string {
  const url = new URL(base);
  return `${url.protocol}//${key}@${url.host}/${number}`;
}

/** The DSN of `project`, when the store knows its public key and that key fits a DSN. */
export async function readSentryDsn(db: Db, project: string, base: string): Promise<SentryDsn> {
  const [row] = await db
    .select({ number: projects.number, publicKey: projects.publicKey })
    .from(projects)
    .where(eq(projects.id, project));
  if (!row) return { dsn: null, hint: null };
  if (!row.publicKey) {
    return {
      dsn: null,
      hint: 'the store keeps only the hash of this project key (it was made before keys were kept for the DSN): start the collector once with PROJECT_KEY set to the key, and the DSN is shown here',
    };
  }
  if (!fitsDsn(row.publicKey)) {
    return {
      dsn: null,
      hint: 'Sentry SDKs accept only letters, digits and _ in a DSN key, and this project key has other characters: set PROJECT_KEY to a new key (shp_ and 48 hex digits) and update the pages that embed it',
    };
  }
  return { dsn: toDsn(base, row.publicKey, row.number), hint: null };
}
