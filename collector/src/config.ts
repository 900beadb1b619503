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
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).optional(),
  INIT_CWD: z.string().optional(),
  ADMIN_TOKEN: z.string().min(8).optional(),
  PROJECT_KEY: z.string().min(8).optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INGEST_MAX_BATCH_EVENTS: z.coerce.number().int().min(1).default(2_000),
  INGEST_MAX_QUEUED_EVENTS: z.coerce.number().int().min(1).default(50_000),
  INGEST_MAX_INFLIGHT_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(64 * 1024 * 1024),
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
  };
}

/** Defaults for everything but where the data lives. */
export const defaultConfig: CollectorConfig = {
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  maxBatchEvents: 2_000,
  maxQueuedEvents: 50_000,
  maxInflightBytes: 64 * 1024 * 1024,
};
