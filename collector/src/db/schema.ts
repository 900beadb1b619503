import type { ErrorKind, EventType, Severity } from '@selfheal/shared';
import type { AgentType } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const eventType = () => text('type').$type<EventType>().notNull();
const kind = () => text('kind').$type<ErrorKind>().notNull();
const severity = () => text('severity').$type<Severity>().notNull();
const agentType = () => text('agent').$type<AgentType>().notNull();
/** Insertion order of a pending row, so the aggregator can take the oldest first. */
const seq = () => bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();

/** A project: the hash of its public page key, the origins its browsers may send from. */
export const projects = pgTable('projects', {
  id: text('id').primaryKey(),
  /** A stable number for the project: the project id of its Sentry DSN, which must be numeric. */
  number: integer('number').notNull().unique().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  /** SHA-256 (hex) of the project key, which is what a request is checked against. */
  keyHash: text('key_hash').notNull().unique(),
  /**
   * The project key itself, once known to the store (generated here, or given as PROJECT_KEY):
   * it is public (every page embeds it) and the DSN the collector shows is made from it.
   */
  publicKey: text('public_key'),
  allowedOrigins: jsonb('allowed_origins').$type<string[]>().notNull().default(sql`'["*"]'`),
  createdAt: time('created_at').notNull().defaultNow(),
});

/** A service's key: whoever holds it is that service (agent and service come from here). */
export const serviceKeys = pgTable(
  'service_keys',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    service: text('service').notNull(),
    /** SHA-256 (hex) of the secret, which is shown once when the key is made. */
    keyHash: text('key_hash').notNull().unique(),
    createdAt: time('created_at').notNull(),
    revokedAt: time('revoked_at'),
  },
  (t) => [index('service_keys_by_service').on(t.projectId, t.service)],
);

/** Collector-wide settings, such as the admin token's hash. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** One request to `POST /api/report` that stored at least one new event. */
export const reports = pgTable(
  'reports',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id').notNull(),
    agent: agentType(),
    service: text('service'),
    sessionId: text('session_id'),
    hostname: text('hostname'),
    region: text('region'),
    url: text('url'),
    eventCount: integer('event_count').notNull(),
    /** Events in it that were new faults: the error rate is summed from these. */
    faultCount: integer('fault_count').notNull().default(0),
    receivedAt: time('received_at').notNull(),
  },
  (t) => [index('reports_recent').on(t.receivedAt)],
);

/**
 * Every event, once: a client's id is unique per project and time. On disk the table is
 * partitioned by day of `occurred_at` (see the migration and `store/retention.ts`), so old
 * days are dropped whole; the key holds the partition column, and a resent event carries its
 * original time, so it meets its first copy in the same partition.
 */
export const events = pgTable(
  'events',
  {
    projectId: text('project_id').notNull(),
    id: text('id').notNull(),
    reportId: text('report_id').notNull(),
    type: eventType(),
    kind: kind(),
    severity: severity(),
    fingerprint: text('fingerprint').notNull(),
    message: text('message'),
    stack: text('stack'),
    url: text('url'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    /** Occurrences the event stands for (an agent merged its repeats). */
    count: integer('count').notNull().default(1),
    agent: agentType(),
    service: text('service'),
    occurredAt: time('occurred_at').notNull(),
    receivedAt: time('received_at').notNull(),
    /** A fault that counts toward its issue: not a fix event, not a passing check. */
    grouped: boolean('grouped').notNull().default(false),
    /**
     * Whether the event kept its message, stack and data. Past the first events of a
     * fingerprint only a sample does (`ingest/sample.ts`); the row itself is always stored, so
     * every count reads every event.
     */
    kept: boolean('kept').notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id, t.occurredAt] }),
    // Every reader of an issue's events names its project: with the project first, one range
    // of one index answers, where (fingerprint, received_at) made the planner AND it with the
    // primary key's project prefix on a partition it had no statistics for yet.
    index('events_by_fingerprint').on(t.projectId, t.fingerprint, t.receivedAt),
  ],
);

/** An issue: the events of one project that share a fingerprint, counted. */
export const issues = pgTable(
  'issues',
  {
    projectId: text('project_id').notNull(),
    fingerprint: text('fingerprint').notNull(),
    type: eventType(),
    kind: kind(),
    severity: severity(),
    title: text('title').notNull(),
    count: integer('count').notNull(),
    /** The service (or page origin) of the latest event. */
    service: text('service'),
    /** Every service or page origin it was seen on, latest first, at most `MAX_ISSUE_SERVICES`. */
    services: text('services').array().notNull().default(sql`'{}'::text[]`),
    url: text('url'),
    firstSeen: time('first_seen').notNull(),
    lastSeen: time('last_seen').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.fingerprint] }),
    index('issues_by_count').on(t.count),
    index('issues_by_last_seen').on(t.lastSeen),
  ],
);

/** An agent the collector has heard from. */
export const agents = pgTable(
  'agents',
  {
    projectId: text('project_id').notNull(),
    id: text('id').notNull(),
    agent: agentType(),
    service: text('service'),
    sessionId: text('session_id'),
    hostname: text('hostname'),
    region: text('region'),
    healthy: boolean('healthy'),
    reports: integer('reports').notNull().default(0),
    firstSeen: time('first_seen').notNull(),
    lastSeen: time('last_seen').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.id] }),
    index('agents_by_last_seen').on(t.lastSeen),
  ],
);

/**
 * Issue counts stored with their events but not yet added to `issues`. Ingest only inserts
 * here, so concurrent writers never wait on a hot issue row; the aggregator folds these rows
 * into `issues` and deletes them in one transaction, so every event is counted exactly once.
 */
export const issueDeltas = pgTable('issue_deltas', {
  seq: seq(),
  projectId: text('project_id').notNull(),
  fingerprint: text('fingerprint').notNull(),
  type: eventType(),
  kind: kind(),
  severity: severity(),
  title: text('title').notNull(),
  service: text('service'),
  url: text('url'),
  count: integer('count').notNull(),
  seenAt: time('seen_at').notNull(),
});

/**
 * What the decision loop must not forget, stored with the events that carry it: fix outcomes
 * to verify and learn from, one row each, and urgent faults (critical, or a failing health
 * check) to decide on, one row for those of a batch that make the same candidate. Any
 * collector takes rows from here and deletes them in the transaction that handles them, so a
 * collector that dies loses nothing acknowledged.
 */
export const loopInbox = pgTable('loop_inbox', {
  seq: seq(),
  projectId: text('project_id').notNull(),
  eventId: text('event_id').notNull(),
  type: eventType(),
  agent: agentType(),
  service: text('service'),
  sessionId: text('session_id'),
  fingerprint: text('fingerprint').notNull(),
  severity: severity(),
  data: jsonb('data').$type<Record<string, unknown>>(),
  receivedAt: time('received_at').notNull(),
});

/** Agent sightings not yet folded into `agents`, for the same reason as `issue_deltas`. */
export const agentDeltas = pgTable('agent_deltas', {
  seq: seq(),
  projectId: text('project_id').notNull(),
  id: text('id').notNull(),
  agent: agentType(),
  service: text('service'),
  sessionId: text('session_id'),
  hostname: text('hostname'),
  region: text('region'),
  healthy: boolean('healthy'),
  reports: integer('reports').notNull(),
  seenAt: time('seen_at').notNull(),
});

export * from './schema-decisions.js';
