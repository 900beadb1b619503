import { resolve } from 'node:path';
import { z } from 'zod';

/** How a collector is set up; `fromEnv` reads it from the environment. */
export interface CollectorConfig {
  port: number;
  host: string;
  /** Postgres URL; without it the embedded PGlite in `dataDir` is used. */
  databaseUrl?: string;
  /** PGlite's folder; undefined keeps the embedded database in memory (tests). */
  dataDir?: string;
  adminToken?: string;
  projectKey?: string;
  allowedOrigins?: string[];
  logLevel: string;
  /** Most events a group commit writes in one transaction. */
  maxBatchEvents: number;
  /** Most events waiting to be written before reports are refused with 503. */
  maxQueuedEvents: number;
  /** Most request-body bytes held by reports being received at once. */
  maxInflightBytes: number;
  /** Batches written at once on Postgres (the embedded database writes one at a time). */
  writeConcurrency: number;
  /** Events per second each project may send to this collector; 0 means no limit. */
  rateLimitPerSecond: number;
  /** Events a project may send at once before the rate applies. */
  rateLimitBurst: number;
  /** Days of raw events (and reports) kept; issues keep their counts. */
  retentionDays: number;
  /** How long issue and agent figures may wait before they are folded into their rows. */
  aggregateDelayMs: number;
}

/** Every default, written once: `fromEnv` and tests start from these. */
export const defaultConfig = {
  port: 8787,
  host: '127.0.0.1',
  logLevel: 'info',
  maxBatchEvents: 2_000,
  maxQueuedEvents: 50_000,
  maxInflightBytes: 64 * 1024 * 1024,
  writeConcurrency: 4,
  rateLimitPerSecond: 0,
  rateLimitBurst: 10_000,
  aggregateDelayMs: 200,
  retentionDays: 14,
} as const satisfies Partial<CollectorConfig>;

const count = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(defaultConfig.port),
  HOST: z.string().min(1).default(defaultConfig.host),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).optional(),
  INIT_CWD: z.string().optional(),
  ADMIN_TOKEN: z.string().min(8).optional(),
  PROJECT_KEY: z.string().min(8).optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default(defaultConfig.logLevel),
  INGEST_MAX_BATCH_EVENTS: count(defaultConfig.maxBatchEvents),
  INGEST_MAX_QUEUED_EVENTS: count(defaultConfig.maxQueuedEvents),
  INGEST_MAX_INFLIGHT_BYTES: count(defaultConfig.maxInflightBytes),
  INGEST_WRITE_CONCURRENCY: count(defaultConfig.writeConcurrency),
  INGEST_RATE_LIMIT: count(defaultConfig.rateLimitPerSecond, 0),
  INGEST_RATE_BURST: count(defaultConfig.rateLimitBurst),
  AGGREGATE_DELAY_MS: count(defaultConfig.aggregateDelayMs, 0),
  RETENTION_DAYS: count(defaultConfig.retentionDays),
});

/** Reads the configuration from environment variables; throws naming each bad one. */
export function fromEnv(env: Record<string, string | undefined>): CollectorConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    // `pnpm collector` runs in the package folder; keep data where the user ran it.
    dataDir: e.DATA_DIR ?? resolve(e.INIT_CWD ?? '.', '.selfheal'),
    adminToken: e.ADMIN_TOKEN,
    projectKey: e.PROJECT_KEY,
    allowedOrigins: e.ALLOWED_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    maxBatchEvents: e.INGEST_MAX_BATCH_EVENTS,
    maxQueuedEvents: e.INGEST_MAX_QUEUED_EVENTS,
    maxInflightBytes: e.INGEST_MAX_INFLIGHT_BYTES,
    writeConcurrency: e.INGEST_WRITE_CONCURRENCY,
    rateLimitPerSecond: e.INGEST_RATE_LIMIT,
    rateLimitBurst: e.INGEST_RATE_BURST,
    aggregateDelayMs: e.AGGREGATE_DELAY_MS,
    retentionDays: e.RETENTION_DAYS,
  };
}
