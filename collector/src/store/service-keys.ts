import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { serviceKeys } from '../db/schema.js';
import { hashSecret, newSecret } from './keys.js';

/** A service key as listed: never its secret. */
export interface ServiceKeyInfo {
  id: string;
  project: string;
  service: string;
  createdAt: string;
  revokedAt: string | null;
}

const toInfo = (row: typeof serviceKeys.$inferSelect): ServiceKeyInfo => ({
  id: row.id,
  project: row.projectId,
  service: row.service,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** Makes a key for `service`; the secret is in the answer and nowhere else. */
export async function createServiceKey(
  db: Db,
  project: string,
  service: string,
  now: number,
): Promise<ServiceKeyInfo & { key: string }> {
  const key = newSecret('service');
  const [row] = await db
    .insert(serviceKeys)
    .values({
      id: `sk_${randomBytes(9).toString('base64url')}`,
      projectId: project,
      service,
      keyHash: hashSecret(key),
      createdAt: new Date(now),
    })
    .returning();
  return { ...toInfo(row as typeof serviceKeys.$inferSelect), key };
}

/** The keys of `service`, newest first, revoked ones included. */
export async function listServiceKeys(
  db: Db,
  project: string,
  service: string,
): Promise<ServiceKeyInfo[]> {
  const rows = await db
    .select()
    .from(serviceKeys)
    .where(and(eq(serviceKeys.projectId, project), eq(serviceKeys.service, service)))
    .orderBy(desc(serviceKeys.createdAt));
  return rows.map(toInfo);
}

/** Revokes a key of `service`; undefined when it has no such key. Revoking twice changes nothing. */
export async function revokeServiceKey(
  db: Db,
  where: { project: string; service: string; id: string },
  now: number,
): Promise<ServiceKeyInfo | undefined> {
  const match = and(
    eq(serviceKeys.projectId, where.project),
    eq(serviceKeys.service, where.service),
    eq(serviceKeys.id, where.id),
  );
  await db
    .update(serviceKeys)
    .set({ revokedAt: new Date(now) })
    .where(and(match, isNull(serviceKeys.revokedAt)));
  const [row] = await db.select().from(serviceKeys).where(match);
  return row ? toInfo(row) : undefined;
}
