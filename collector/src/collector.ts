import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import pino, { type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { createApp } from './app.js';
import type { Clock } from './clock.js';
import type { CollectorConfig } from './config.js';
import type { Database } from './db/database.js';
import type { ModelPort } from './decide/types.js';
import { createAggregator } from './ingest/aggregator.js';
import { createGroupCommit } from './ingest/group-commit.js';
import { createRateLimiter } from './ingest/rate-limit.js';
import { createSampler } from './ingest/sample.js';
import { createLiveHub } from './live/hub.js';
import { notifyUpdates, toIssueUpdate } from './live/updates.js';
import type { DecisionLoop } from './loop/loop.js';
import { createActing } from './loop/setup.js';
import { createMetrics } from './metrics.js';
import { createBodyBudget } from './routes/body-budget.js';
import { type Credentials, ensureCredentials } from './store/credentials.js';
import { createKeyring } from './store/keyring.js';
import { applyRetention } from './store/retention.js';
import { writeReports } from './store/write-reports.js';

/** How often old events are dropped and the coming days' partitions made. */
const RETENTION_INTERVAL_MS = 60 * 60_000;

/** The collector's version, as `/api/health` and `/openapi.json` report it. */
export const VERSION = '0.1.0';

/** A running collector: its app, store and server. */
export interface Collector {
  readonly app: OpenAPIHono;
  readonly database: Database;
  readonly credentials: Credentials;
  readonly logger: Logger;
  /** The decision loop: tests await `idle()` and call `sweep()` after moving the clock. */
  readonly decisions: DecisionLoop;
  /** Starts serving on the configured host and port; resolves to the port bound. */
  listen(): Promise<number>;
  /** Stops taking requests, finishes those in flight, then closes the store. */
  close(): Promise<void>;
}

/** Opens the store named by `config` (Postgres or PGlite). */
export async function openDatabase(config: CollectorConfig): Promise<Database> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./db/postgres.js');
    return openPostgres(config.databaseUrl);
  }
  const { openPglite } = await import('./db/pglite.js');
  return openPglite(config.dataDir);
}

/** What a collector can be given instead of building it from the config. */
export interface CollectorDeps {
  /** An open store; by default the one `config` names. */
  database?: Database;
  /** The model behind decisions; without one, knowledge and rules decide alone. */
  model?: ModelPort;
  /** Where the decision loop and ingest read the time. */
  clock?: Clock;
}

/** Opens the store, ensures credentials and builds the app; `listen` starts serving. */
export async function createCollector(
  config: CollectorConfig,
  deps: CollectorDeps = {},
): Promise<Collector> {
  const logger = pino({ level: config.logLevel });
  const db = deps.database ?? (await openDatabase(config));
  const instance = randomUUID();
  const credentials = await ensureCredentials(db.db, {
    adminToken: config.adminToken,
    projectKey: config.projectKey,
    allowedOrigins: config.allowedOrigins,
  });
  const metrics = createMetrics();
  const aggregator = createAggregator(db, {
    delayMs: config.aggregateDelayMs,
    logger,
    maxNewIssuesPerMinute: config.maxNewIssuesPerMinute,
    onOverflow: (count) => metrics.inc('selfheal_issues_overflowed_total', {}, count),
    async onIssues(issues, execute) {
      const created = issues.filter((i) => i.isNew).length;
      await notifyUpdates(
        execute,
        issues.map(({ project, issue, isNew }) => toIssueUpdate(project, issue, isNew)),
      );
      if (created > 0) metrics.inc('selfheal_issues_created_total', {}, created);
    },
  });
  const sampler = createSampler(config.sampling);
  const ingest = createGroupCommit(
    async (batch) => {
      const sample = sampler.plan(batch);
      const acks = await writeReports(db, batch, sample.kept);
      sample.commit();
      aggregator.poke();
      decisions.onCommitted(batch);
      return acks;
    },
    {
      maxBatchEvents: config.maxBatchEvents,
      maxQueuedEvents: config.maxQueuedEvents,
      concurrency: db.driver === 'postgres' ? config.writeConcurrency : 1,
    },
  );
  const hub = await createLiveHub(db);
  const acting = await createActing({
    config,
    database: db,
    metrics,
    logger,
    instance,
    foldPending: () => aggregator.foldPending(),
    ...deps,
  });
  const { decisions } = acting;
  const app = createApp({
    ...acting.routes,
    database: db,
    ingest,
    keys: createKeyring(db.db),
    metrics,
    adminTokenHash: credentials.adminTokenHash,
    logger,
    startedAt: Date.now(),
    version: VERSION,
    instance,
    bodyBudget: createBodyBudget({
      total: config.maxInflightBytes,
      perClient: config.maxInflightBytesPerClient,
      perProject: config.maxInflightBytesPerProject,
    }),
    bodyTimeoutMs: config.bodyTimeoutMs,
    limiter: createRateLimiter(config.rateLimitPerSecond, config.rateLimitBurst),
    foldPending: () => aggregator.foldPending(),
    hub,
    retentionDays: config.retentionDays,
    dashboardDir: config.dashboardDir,
  });
  // Figures a stopped collector left pending are folded now.
  aggregator.poke();

  const retain = () =>
    applyRetention(db, config.retentionDays).then(
      (result) => {
        if (result.dropped.length > 0)
          logger.info({ dropped: result.dropped }, 'old events dropped');
      },
      // Another collector may be doing the same pass; the next one catches up.
      (error: unknown) => logger.warn({ err: error }, 'retention pass failed'),
    );
  await retain();
  const retention = setInterval(() => void retain(), RETENTION_INTERVAL_MS);
  retention.unref();

  let server: ServerType | undefined;
  let stopping = false;
  let wss: WebSocketServer | undefined;
  return {
    app,
    database: db,
    credentials,
    logger,
    decisions,
    listen() {
      wss = new WebSocketServer({ noServer: true });
      return new Promise((resolve, reject) => {
        server = serve(
          {
            fetch: app.fetch,
            port: config.port,
            hostname: config.host,
            websocket: { server: wss as WebSocketServer },
          },
          (info: AddressInfo) => resolve(info.port),
        );
        // Once stopping, every answer ends its connection: an agent that polls again at once on
        // a kept-alive connection would otherwise hold the server open until it is killed.
        server.prependListener('request', (_req, res) => {
          if (stopping) res.setHeader('Connection', 'close');
        });
        server.once('error', reject);
      });
    },
    async close() {
      stopping = true;
      clearInterval(retention);
      await hub.close();
      const closed = server
        ? new Promise<void>((resolve) => server?.close(() => resolve()))
        : Promise.resolve();
      (server as { closeIdleConnections?: () => void } | undefined)?.closeIdleConnections?.();
      // Ends the long polls, which answer at once from now on.
      await acting.close();
      await closed;
      wss?.close();
      await ingest.drain();
      await decisions.close();
      await aggregator.foldPending().catch(() => {});
      await aggregator.close();
      await db.close();
    },
  };
}
