import postgres from 'postgres';
import type { Check } from './check.js';
import type { FixHook } from './fix.js';

/** A postgres.js client, a reserved connection of one. */
type Sql = postgres.Sql;
type ReservedSql = postgres.ReservedSql;

/** What the managed Postgres helper opens. */
export interface PostgresHelperOptions {
  url: string;
  /** postgres.js options for the pool. */
  options?: postgres.Options<Record<string, postgres.PostgresType>>;
  /**
   * Also keep one session connection (for LISTEN, advisory locks, SET …) and run this on each
   * new one. A session the server closes is lost with its state: that is `db_down` until
   * reconnect_database opens a new one.
   */
  session?: boolean | ((session: ReservedSql) => Promise<unknown>);
  /** The check's name; default `db`. */
  name?: string;
  timeoutMs?: number;
}

/** A pool (and optional session) the agent can check and reconnect. */
export interface PostgresHelper {
  /** The current pool; read it on every use, a reconnect replaces it. */
  readonly sql: Sql;
  /** The current session connection, or null (none asked for, or lost). */
  readonly session: ReservedSql | null;
  /** `select 1` on the pool and the session (`db_down`). */
  check: Check;
  /** reconnect_database: closes the pool and session and opens new ones. */
  reconnect: FixHook;
  /** Resolves once the first session is open. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** A `db_down` check on any postgres.js client the service already has: `select 1`. */
export function postgresCheck(
  sql: Sql,
  options: { name?: string; timeoutMs?: number } = {},
): Check {
  return {
    name: options.name ?? 'db',
    kind: 'db_down',
    timeoutMs: options.timeoutMs ?? 5_000,
    async run() {
      const started = performance.now();
      await sql`select 1`;
      return { status: 'pass', value: Math.round(performance.now() - started) };
    },
  };
}

/** Opens a pool (and a session when asked) from a URL, with a check and a reconnect. */
export function postgresHelper(options: PostgresHelperOptions): PostgresHelper {
  let pool = postgres(options.url, { onnotice: () => {}, ...options.options });
  let sessionClient: Sql | null = null;
  let session: ReservedSql | null = null;
  let sessionLost = false;

  async function openSession(): Promise<void> {
    if (!options.session) return;
    sessionLost = false;
    const client = postgres(options.url, {
      onnotice: () => {},
      ...options.options,
      max: 1,
      idle_timeout: 0,
      onclose: () => {
        if (client === sessionClient) {
          sessionLost = true;
          session = null;
        }
      },
    });
    sessionClient = client;
    const reserved = await client.reserve();
    if (typeof options.session === 'function') await options.session(reserved);
    if (client === sessionClient && !sessionLost) session = reserved;
  }

  const ready = openSession();
  ready.catch(() => {
    // The check reports a session that could not be opened.
  });

  return {
    get sql() {
      return pool;
    },
    get session() {
      return session;
    },
    ready,
    check: {
      name: options.name ?? 'db',
      kind: 'db_down',
      timeoutMs: options.timeoutMs ?? 5_000,
      async run() {
        const started = performance.now();
        await pool`select 1`;
        if (options.session) {
          // Never query a session the server closed: postgres.js cannot write to it.
          if (!session) return { status: 'fail', message: 'the session connection is closed' };
          await session`select 1`;
        }
        return { status: 'pass', value: Math.round(performance.now() - started) };
      },
    },
    async reconnect() {
      const oldPool = pool;
      const oldSession = sessionClient;
      pool = postgres(options.url, { onnotice: () => {}, ...options.options });
      sessionClient = null;
      session = null;
      await Promise.allSettled([oldPool.end({ timeout: 1 }), oldSession?.end({ timeout: 0 })]);
      await openSession();
      await pool`select 1`;
      return options.session ? 'opened a new pool and session' : 'opened a new pool';
    },
    async close() {
      await Promise.allSettled([pool.end({ timeout: 1 }), sessionClient?.end({ timeout: 0 })]);
    },
  };
}
