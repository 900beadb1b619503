import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Database, Db } from './database.js';
import { migrationsFolder, ping } from './database.js';
import * as schema from './schema.js';

/** Opens (creating when new) the embedded database in `dataDir`, or in memory when omitted, and migrates it. */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const db = drizzle(client, { schema }) as unknown as Db;
  await migrate(db as Parameters<typeof migrate>[0], { migrationsFolder });
  return {
    db,
    driver: 'pglite',
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return () => unlisten();
    },
    ping: () => ping(db),
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
