import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { projects, settings } from '../db/schema.js';
import { hashSecret, newSecret } from './keys.js';

/** The project every collector has from its first start. */
export const DEFAULT_PROJECT_ID = 'default';
const ADMIN_HASH = 'admin_token_sha256';

/**
 * What the operator sets; anything left out is generated once and kept in the store (the admin
 * token hashed; the project key, public by design, also in plain text for its DSN).
 */
export interface CredentialOptions {
  adminToken?: string;
  projectKey?: string;
  allowedOrigins?: string[];
}

/** The credentials in force, and those generated just now (to be printed once). */
export interface Credentials {
  adminTokenHash: string;
  generated: { adminToken?: string; projectKey?: string };
  /** The default project's number: the project id of its DSN. */
  projectNumber: number;
}

/** Ensures the admin token and the default project exist, generating what is missing. */
export async function ensureCredentials(db: Db, options: CredentialOptions): Promise<Credentials> {
  const generated: Credentials['generated'] = {};
  let adminTokenHash: string;
  if (options.adminToken) {
    adminTokenHash = hashSecret(options.adminToken);
  } else {
    const [stored] = await db.select().from(settings).where(eq(settings.key, ADMIN_HASH));
    if (stored) {
      adminTokenHash = stored.value;
    } else {
      generated.adminToken = newSecret('admin');
      adminTokenHash = hashSecret(generated.adminToken);
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
  const wantedHash = options.projectKey ? hashSecret(options.projectKey) : undefined;
  if (!project) {
    const key = options.projectKey ?? newSecret('project');
    const created = await db
      .insert(projects)
      .values({
        id: DEFAULT_PROJECT_ID,
        name: 'Default',
        keyHash: hashSecret(key),
        publicKey: key,
        allowedOrigins: origins,
      })
      .onConflictDoNothing()
      .returning();
    if (created.length > 0 && !options.projectKey) generated.projectKey = key;
  } else if (
    (wantedHash && wantedHash !== project.keyHash) ||
    (options.projectKey && project.publicKey !== options.projectKey) ||
    JSON.stringify(origins) !== JSON.stringify(project.allowedOrigins)
  ) {
    // A key given again is learned in plain text: it is public, and the DSN is made from it.
    await db
      .update(projects)
      .set({
        keyHash: wantedHash ?? project.keyHash,
        publicKey: options.projectKey ?? project.publicKey,
        allowedOrigins: origins,
      })
      .where(eq(projects.id, DEFAULT_PROJECT_ID));
  }
  const [stored] = await db
    .select({ number: projects.number })
    .from(projects)
    .where(eq(projects.id, DEFAULT_PROJECT_ID));
  return { adminTokenHash, generated, projectNumber: stored?.number ?? 1 };
}
