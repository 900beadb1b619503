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

/** Connections in a collector's pool unless told otherwise. */
const POOL_SIZE = 10;

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
 * True when `error` says a statement never took effect, so running it again is safe: the write
 * found the socket already ended (a pooled connection whose close was not yet seen), or Postgres
 * answered that it had terminated the session, which rolls back whatever the session had begun.
 */
function notApplied(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === '57P01' || code === '57P02';
}

/**
 * True when `error` says the session was lost, whether or not the statement took effect: safe to
 * run again only for work that was never begun or that has the same effect twice.
 */
function sessionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return notApplied(error) || code === 'ECONNRESET' || code === 'CONNECTION_CLOSED';
}

/**
 * Runs `work`, again while it fails with an error `again` accepts. A restart of Postgres ends
 * every pooled session, and each such session fails once and is dropped, so `tries` one more
 * than the pool reaches a new one. A server that is down fails on connecting, never retried here.
 */
async function untilApplied<R>(
  work: () => Promise<R>,
  tries: number,
  again: (error: unknown) => boolean,
): Promise<R> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await work();
    } catch (error) {
      if (tried >= tries || !again(error)) throw error;
    }
  }
}

/** Connects to Postgres at `url` and migrates it; several collectors may start at once. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  await migrateOnce(url);
  // `socket` is a documented postgres.js option that its type definitions leave out.
  const clientOptions = {
    max: options.max ?? POOL_SIZE,
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
  const tries = clientOptions.max + 1;
  const execute: Execute = <T extends Row>(query: SQL) =>
    untilApplied(() => direct<T>(query), tries, notApplied);
  const executeIdempotent: Execute = <T extends Row>(query: SQL) =>
    untilApplied(() => direct<T>(query), tries, sessionLost);
  return {
    db,
    driver: 'postgres',
    execute,
    executeIdempotent,
    async transaction<R>(work: (execute: Execute) => Promise<R>): Promise<R> {
      // postgres.js types `begin`'s answer as an unwrapped array; keep the work's own type.
      let result: { value: R } | undefined;
      // Tried again only while its BEGIN fails: once `work` has run, what it did beside the
      // database (commands it collected, counters) would be done twice.
      let began = false;
      await untilApplied(
        () =>
          client.begin(async (tx) => {
            began = true;
            result = { value: await work(on(tx)) };
          }),
        tries,
        (error) => !began && sessionLost(error),
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
