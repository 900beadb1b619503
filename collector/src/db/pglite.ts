import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import {
  compile,
  type Database,
  type Execute,
  migrationsFolder,
  ping,
  type Row,
} from './database.js';
import * as schema from './schema.js';

/** Opens (creating when new) the embedded database in `dataDir`, or in memory when omitted, and migrates it. */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const db = drizzle({ client, schema });
  await migrate(db, { migrationsFolder });
  const on =
    (runner: PGlite | Transaction): Execute =>
    async <T extends Row>(query: SQL) => {
      const { text, params } = compile(query);
      return (await runner.query<T>(text, params)).rows;
    };
  const execute = on(client);
  return {
    db,
    driver: 'pglite',
    execute,
    // In this process: no session to lose.
    executeIdempotent: execute,
    transaction: (work) => client.transaction((tx) => work(on(tx))),
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return () => unlisten();
    },
    ping: () => ping(execute),
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
