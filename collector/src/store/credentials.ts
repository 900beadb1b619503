import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { projects, settings } from '../db/schema.js';

/** The project every collector has from its first start. */
export const DEFAULT_PROJECT_ID = 'default';
const ADMIN_HASH = 'admin_token_sha256';

/** What the operator sets; anything left out is generated once and kept in the store. */
export interface CredentialOptions {
  adminToken?: string;
  projectKey?: string;
  allowedOrigins?: string[];
}

/** The credentials in force, and those generated just now (to be printed once). */
export interface Credentials {
  adminTokenHash: string;
  generated: { adminToken?: string; projectKey?: string };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const newSecret = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** True when `token` hashes to `hash`, compared in constant time. */
export function matchesHash(token: string, hash: string): boolean {
  const a = Buffer.from(sha256(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Ensures the admin token and the default project exist, generating what is missing. */
export async function ensureCredentials(db: Db, options: CredentialOptions): Promise<Credentials> {
  const generated: Credentials['generated'] = {};
  let adminTokenHash: string;
  if (options.adminToken) {
    adminTokenHash = sha256(options.adminToken);
  } else {
    const [stored] = await db.select().from(settings).where(eq(settings.key, ADMIN_HASH));
    if (stored) {
      adminTokenHash = stored.value;
    } else {
      generated.adminToken = newSecret('sha');
      adminTokenHash = sha256(generated.adminToken);
      await db
        .insert(settings)
        .values({ key: ADMIN_HASH, value: adminTokenHash })
        .onConflictDoNothing();
      // Another collector may have generated one first; the stored one wins.
      const [winner] = await db.select().from(settings).where(eq(settings.key, ADMIN_HASH));
      if (winner && winner.value !== adminTokenHash) {
        adminTokenHash = winner.value;
        generated.adminToken = undefined;
      }
    }
  }

  const [project] = await db.select().from(projects).where(eq(projects.id, DEFAULT_PROJECT_ID));
  const origins = options.allowedOrigins ?? project?.allowedOrigins ?? ['*'];
  if (!project) {
    const key = options.projectKey ?? newSecret('shp');
    const created = await db
      .insert(projects)
      .values({ id: DEFAULT_PROJECT_ID, name: 'Default', key, allowedOrigins: origins })
      .onConflictDoNothing()
      .returning();
    if (created.length > 0 && !options.projectKey) generated.projectKey = key;
  } else if (
    (options.projectKey && options.projectKey !== project.key) ||
    JSON.stringify(origins) !== JSON.stringify(project.allowedOrigins)
  ) {
    await db
      .update(projects)
      .set({ key: options.projectKey ?? project.key, allowedOrigins: origins })
      .where(eq(projects.id, DEFAULT_PROJECT_ID));
  }
  return { adminTokenHash, generated };
}
