import { connect } from 'node:net';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import {
  compile,
  type Database,
  type Execute,
  migrationsFolder,
  ping,
  type Row,
} from './database.js';
import * as schema from './schema.js';

/** The session-level advisory lock that serialises migrations; the same in every collector. */
const MIGRATION_LOCK = 727_465_001;

/** Applies pending migrations; one collector at a time, the others wait, then find nothing to do. */
async function migrateOnce(url: string): Promise<void> {
  // One connection, so the session-level lock and the migration share it.
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle({ client, schema }), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * A TCP socket with Nagle's algorithm off. postgres.js leaves it on, and a statement that spans
 * several segments then waits for the server's delayed ACK before its last segment goes out.
 */
function noDelaySocket(options: { host: string[]; port: number[]; path?: string | false }) {
  return new Promise<import('node:net').Socket>((resolve, reject) => {
    const socket = options.path
      ? connect(options.path)
      : connect(options.port[0] ?? 5432, options.host[0] ?? '127.0.0.1');
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

type Client = postgres.Sql | postgres.TransactionSql;

/**
 * True when a write found the socket already ended by the server (a pooled connection that
 * Postgres terminated, its close not yet seen): nothing of the statement reached the server.
 */
function neverSent(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EPIPE';
}

/** Runs `work`, and once more when its first try never reached the server. */
async function onceMore<R>(work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (!neverSent(error)) throw error;
    return work();
  }
}

/** Connects to Postgres at `url` and migrates it; several collectors may start at once. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  await migrateOnce(url);
  // `socket` is a documented postgres.js option that its type definitions leave out.
  const clientOptions = {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'selfheal-collector' },
    socket: noDelaySocket,
    // No column is an array; fetching array types on each new connection only adds a query that,
    // when Postgres terminates the backend mid-start, rejects with no one awaiting it.
    fetch_types: false,
  };
  const client = postgres(url, clientOptions);
  const db = drizzle({ client, schema });
  const on =
    (runner: Client): Execute =>
    async <T extends Row>(query: SQL) => {
      const { text, params } = compile(query);
      return runner.unsafe<T[]>(text, params as postgres.ParameterOrJSON<never>[], {
        prepare: true,
      });
    };
  const direct = on(client);
  const execute: Execute = <T extends Row>(query: SQL) => onceMore(() => direct<T>(query));
  return {
    db,
    driver: 'postgres',
    execute,
    async transaction<R>(work: (execute: Execute) => Promise<R>): Promise<R> {
      // postgres.js types `begin`'s answer as an unwrapped array; keep the work's own type.
      let result: { value: R } | undefined;
      await onceMore(() =>
        client.begin(async (tx) => {
          result = { value: await work(on(tx)) };
        }),
      );
      if (!result) throw new Error('the transaction ended without running its work');
      return result.value;
    },
    async listen(channel, onPayload) {
      const { unlisten } = await client.listen(channel, onPayload);
      return unlisten;
    },
    ping: () => ping(execute),
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}
