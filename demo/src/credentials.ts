import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The demo's own credentials, kept in the collector's data folder. */
export interface DemoCredentials {
  adminToken: string;
  projectKey: string;
}

// Hex, as the collector makes its own: a project key is also the public key of the Sentry DSN,
// which Sentry's SDKs accept only as word characters.
const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('hex')}`;

/**
 * Reads `demo.json` in `dataDir`, or makes an admin token and a project key and writes them
 * there (readable by the owner only). The start script hands them to the collector as
 * ADMIN_TOKEN and PROJECT_KEY, so every start of the demo uses the same pair.
 */
export function loadOrCreateCredentials(dataDir: string): DemoCredentials {
  const file = join(dataDir, 'demo.json');
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoCredentials>;
    if (stored.adminToken?.startsWith('sha_') && stored.projectKey?.startsWith('shp_')) {
      return { adminToken: stored.adminToken, projectKey: stored.projectKey };
    }
  } catch {
    // None yet, or unreadable: make a new pair.
  }
  const created = { adminToken: secret('sha_'), projectKey: secret('shp_') };
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return created;
}
