import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RISK_LEVELS, type RiskLevel } from '@selfheal/shared';
import { z } from 'zod';
import type { SamplingOptions } from './ingest/sample.js';

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
  /** Most request-body bytes held by requests being received at once. */
  maxInflightBytes: number;
  /** Most request-body bytes held at once for one client address. */
  maxInflightBytesPerClient: number;
  /** Most request-body bytes held at once for one project. */
  maxInflightBytesPerProject: number;
  /** How long a request body may take to arrive before it is dropped with 408. */
  bodyTimeoutMs: number;
  /** Batches written at once on Postgres (the embedded database writes one at a time). */
  writeConcurrency: number;
  /** Events per second each project may send to this collector; 0 means no limit. */
  rateLimitPerSecond: number;
  /** Events a project may send at once before the rate applies. */
  rateLimitBurst: number;
  /** New issues a project may open a minute; past it, new fingerprints count under one overflow issue. 0: no cap. */
  maxNewIssuesPerMinute: number;
  /** Days of raw events (and reports) kept; issues keep their counts. */
  retentionDays: number;
  /** Which events keep their message, stack and data; every event is counted either way. */
  sampling: SamplingOptions;
  /** How long issue and agent figures may wait before they are folded into their rows. */
  aggregateDelayMs: number;
  /** How the collector decides and acts on issues. */
  decisions: DecisionConfig;
  /** The dashboard's built files, served at `/`; none, `/` is not served. */
  dashboardDir?: string;
}

/** The decision loop's settings. */
export interface DecisionConfig {
  /** Least gating confidence for a fix to be applied without a person. */
  autoApplyThreshold: number;
  /** Riskiest strategy class applied without a person. */
  autoApplyMaxRisk: RiskLevel;
  /** Decide and record, never dispatch. */
  dryRun: boolean;
  /** How long a fixed fingerprint must stay away for the fix to count as a success. */
  verifyWindowMs: number;
  /** Most model calls per hour, per collector. */
  llmMaxCallsPerHour: number;
  /** Most model calls a minute for one project, per collector; 0: no cap. */
  llmMaxCallsPerMinute: number;
  /** Most new decisions a minute for one project, per collector; 0: no cap. */
  maxNewDecisionsPerMinute: number;
  /** Escalations within this window after a post are sent together in one message. */
  escalationBatchMs: number;
  /** Where escalations are posted (Slack-compatible); none, only dashboards show them. */
  escalationWebhookUrl?: string;
  /** Occurrences within `persistentWindowMs` that make an issue persistent. */
  persistentThreshold: number;
  persistentWindowMs: number;
  /** Most time an open decision is reused before it expires. */
  decisionTtlMs: number;
}

/** The decision loop's defaults. */
export const defaultDecisionConfig: DecisionConfig = {
  autoApplyThreshold: 0.8,
  autoApplyMaxRisk: 'moderate',
  dryRun: false,
  verifyWindowMs: 60_000,
  llmMaxCallsPerHour: 60,
  llmMaxCallsPerMinute: 20,
  maxNewDecisionsPerMinute: 50,
  escalationBatchMs: 60_000,
  persistentThreshold: 5,
  persistentWindowMs: 300_000,
  decisionTtlMs: 1_800_000,
};

/** The dashboard's build in this repository (`dashboard/dist`). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(
  new URL('../../dashboard/dist', import.meta.url),
);

/** Every default, written once: `fromEnv` and tests start from these. */
export const defaultConfig = {
  port: 8787,
  host: '127.0.0.1',
  logLevel: 'info',
  maxBatchEvents: 2_000,
  maxQueuedEvents: 50_000,
  maxInflightBytes: 64 * 1024 * 1024,
  maxInflightBytesPerClient: 8 * 1024 * 1024,
  maxInflightBytesPerProject: 16 * 1024 * 1024,
  bodyTimeoutMs: 10_000,
  writeConcurrency: 4,
  rateLimitPerSecond: 1_000,
  rateLimitBurst: 10_000,
  maxNewIssuesPerMinute: 200,
  aggregateDelayMs: 200,
  decisions: defaultDecisionConfig,
  retentionDays: 14,
  sampling: { enabled: true, firstPerWindow: 20, windowMs: 600_000 },
  dashboardDir: DEFAULT_DASHBOARD_DIR,
} as const satisfies Partial<CollectorConfig>;

const count = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);
/** A duration given in seconds, whose default is the config's in milliseconds. */
const seconds = (fallbackMs: number, min: number) =>
  z.coerce
    .number()
    .min(min)
    .default(fallbackMs / 1000);
const d = defaultDecisionConfig;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(defaultConfig.port),
  HOST: z.string().min(1).default(defaultConfig.host),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).optional(),
  INIT_CWD: z.string().optional(),
  // Prefixed so that scrubbing and secret scanners recognise them wherever they leak.
  ADMIN_TOKEN: z.string().min(12).startsWith('sha_', 'must start with sha_').optional(),
  PROJECT_KEY: z.string().min(12).startsWith('shp_', 'must start with shp_').optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default(defaultConfig.logLevel),
  INGEST_MAX_BATCH_EVENTS: count(defaultConfig.maxBatchEvents),
  INGEST_MAX_QUEUED_EVENTS: count(defaultConfig.maxQueuedEvents),
  INGEST_MAX_INFLIGHT_BYTES: count(defaultConfig.maxInflightBytes),
  INGEST_MAX_INFLIGHT_BYTES_PER_CLIENT: count(defaultConfig.maxInflightBytesPerClient),
  INGEST_MAX_INFLIGHT_BYTES_PER_PROJECT: count(defaultConfig.maxInflightBytesPerProject),
  BODY_TIMEOUT_MS: count(defaultConfig.bodyTimeoutMs),
  INGEST_WRITE_CONCURRENCY: count(defaultConfig.writeConcurrency),
  INGEST_RATE_LIMIT: count(defaultConfig.rateLimitPerSecond, 0),
  INGEST_RATE_BURST: count(defaultConfig.rateLimitBurst),
  MAX_NEW_ISSUES_PER_MINUTE: count(defaultConfig.maxNewIssuesPerMinute, 0),
  AGGREGATE_DELAY_MS: count(defaultConfig.aggregateDelayMs, 0),
  AUTO_APPLY_THRESHOLD: z.coerce.number().min(0).max(1).default(d.autoApplyThreshold),
  AUTO_APPLY_MAX_RISK: z.enum(RISK_LEVELS).default(d.autoApplyMaxRisk),
  DRY_RUN: z.enum(['true', 'false', '1', '0']).default(d.dryRun ? 'true' : 'false'),
  VERIFY_WINDOW: seconds(d.verifyWindowMs, 0),
  LLM_MAX_CALLS_PER_HOUR: count(d.llmMaxCallsPerHour, 0),
  LLM_MAX_CALLS_PER_MINUTE: count(d.llmMaxCallsPerMinute, 0),
  MAX_NEW_DECISIONS_PER_MINUTE: count(d.maxNewDecisionsPerMinute, 0),
  ESCALATION_BATCH_WINDOW: seconds(d.escalationBatchMs, 0),
  ESCALATION_WEBHOOK_URL: z.url().optional(),
  PERSISTENT_THRESHOLD: count(d.persistentThreshold),
  PERSISTENT_WINDOW: seconds(d.persistentWindowMs, 1),
  DECISION_TTL: seconds(d.decisionTtlMs, 1),
  RETENTION_DAYS: count(defaultConfig.retentionDays),
  SAMPLE_EVENTS: z.enum(['true', 'false', '1', '0']).default('true'),
  SAMPLE_FIRST_EVENTS: count(defaultConfig.sampling.firstPerWindow, 0),
  SAMPLE_WINDOW: seconds(defaultConfig.sampling.windowMs, 1),
  DASHBOARD_DIR: z.string().min(1).default(defaultConfig.dashboardDir),
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
    maxInflightBytesPerClient: e.INGEST_MAX_INFLIGHT_BYTES_PER_CLIENT,
    maxInflightBytesPerProject: e.INGEST_MAX_INFLIGHT_BYTES_PER_PROJECT,
    bodyTimeoutMs: e.BODY_TIMEOUT_MS,
    writeConcurrency: e.INGEST_WRITE_CONCURRENCY,
    rateLimitPerSecond: e.INGEST_RATE_LIMIT,
    rateLimitBurst: e.INGEST_RATE_BURST,
    maxNewIssuesPerMinute: e.MAX_NEW_ISSUES_PER_MINUTE,
    aggregateDelayMs: e.AGGREGATE_DELAY_MS,
    decisions: {
      autoApplyThreshold: e.AUTO_APPLY_THRESHOLD,
      autoApplyMaxRisk: e.AUTO_APPLY_MAX_RISK,
      dryRun: e.DRY_RUN === 'true' || e.DRY_RUN === '1',
      verifyWindowMs: e.VERIFY_WINDOW * 1000,
      llmMaxCallsPerHour: e.LLM_MAX_CALLS_PER_HOUR,
      llmMaxCallsPerMinute: e.LLM_MAX_CALLS_PER_MINUTE,
      maxNewDecisionsPerMinute: e.MAX_NEW_DECISIONS_PER_MINUTE,
      escalationBatchMs: e.ESCALATION_BATCH_WINDOW * 1000,
      escalationWebhookUrl: e.ESCALATION_WEBHOOK_URL,
      persistentThreshold: e.PERSISTENT_THRESHOLD,
      persistentWindowMs: e.PERSISTENT_WINDOW * 1000,
      decisionTtlMs: e.DECISION_TTL * 1000,
    },
    retentionDays: e.RETENTION_DAYS,
    sampling: {
      enabled: e.SAMPLE_EVENTS === 'true' || e.SAMPLE_EVENTS === '1',
      firstPerWindow: e.SAMPLE_FIRST_EVENTS,
      windowMs: e.SAMPLE_WINDOW * 1000,
    },
    dashboardDir: resolve(e.INIT_CWD ?? '.', e.DASHBOARD_DIR),
  };
}
