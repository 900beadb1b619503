import { postgresHelper } from '@selfheal/backend-agent/postgres';
import { SCHEMA, type ShopDatabase, toProduct } from './database.js';

/** Postgres at `url`: the shop queries on a session connection; dropping it terminates its backend. */
export async function openPostgres(url: string): Promise<ShopDatabase> {
  const helper = postgresHelper({
    url,
    session: (session) => session`set application_name = 'selfheal-demo-shop'`,
  });
  await helper.ready;
  await helper.sql.unsafe(SCHEMA);

  function session() {
    const current = helper.session;
    if (!current) throw new Error('the database session is closed');
    return current;
  }

  return {
    driver: 'postgres',
    async products() {
      const rows = await session()<{ id: number; name: string; price: string }[]>`
        select id, name, price from products order by id`;
      return rows.map(toProduct);
    },
    check: helper.check,
    reconnect: helper.reconnect,
    async drop() {
      const [row] = await session()<{ pid: number }[]>`select pg_backend_pid() as pid`;
      if (!row) throw new Error('no backend pid');
      await helper.sql`select pg_terminate_backend(${row.pid})`;
      return `terminated the session's backend (pid ${row.pid})`;
    },
    close: () => helper.close(),
  };
}
