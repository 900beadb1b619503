import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database, Db } from './database.js';
import { migrationsFolder, ping } from './database.js';
import * as schema from './schema.js';

/** The session-level advisory lock that serialises migrations; the same in every collector. */
const MIGRATION_LOCK = 727_465_001;

/** Applies pending migrations; one collector at a time, the others wait, then find nothing to do. */
async function migrateOnce(url: string): Promise<void> {
  // One connection, so the session-level lock and the migration share it.
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(client, { schema }), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Connects to Postgres at `url` and migrates it; several collectors may start at once. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  await migrateOnce(url);
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'selfheal-collector' },
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    async listen(channel, onPayload) {
      const { unlisten } = await client.listen(channel, onPayload);
      return unlisten;
    },
    ping: () => ping(db),
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}
