import { PGlite } from '@electric-sql/pglite';
import { SCHEMA, type ShopDatabase, toProduct } from './database.js';

/** The embedded database in `dir`; dropping it closes the instance, reconnecting opens another. */
export async function openPglite(dir: string): Promise<ShopDatabase> {
  async function open(): Promise<PGlite> {
    const db = new PGlite(dir);
    await db.waitReady;
    await db.exec(SCHEMA);
    return db;
  }
  let db = await open();

  function current(): PGlite {
    if (db.closed) throw new Error('the database connection is closed');
    return db;
  }

  return {
    driver: 'pglite',
    async products() {
      const result = await current().query<{ id: number; name: string; price: string }>(
        'select id, name, price from products order by id',
      );
      return result.rows.map(toProduct);
    },
    check: {
      name: 'db',
      kind: 'db_down',
      timeoutMs: 5_000,
      async run() {
        const started = performance.now();
        await current().query('select 1');
        return { status: 'pass', value: Math.round(performance.now() - started) };
      },
    },
    async reconnect() {
      if (!db.closed) await db.close();
      db = await open();
      return 'reopened the embedded database';
    },
    async drop() {
      await db.close();
      return 'closed the embedded database under the shop';
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
