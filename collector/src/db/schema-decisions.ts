import {
  type ErrorKind,
  type FixTarget,
  OPEN_DECISION_STATUSES,
  type RiskLevel,
  type StrategyName,
} from '@selfheal/shared';
import type { Decision } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { DecisionTrigger } from '../decide/types.js';
import { projects } from './schema.js';

const time = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Where a command stands on its way to an agent and back. */
export type CommandStatus =
  | 'queued'
  | 'delivered'
  | 'acknowledged'
  | 'refused'
  | 'succeeded'
  | 'failed'
  | 'expired';
/** Where an outcome stands: reported and waiting out the verification window, or settled. */
export type OutcomeStatus = 'verifying' | 'succeeded' | 'failed' | 'rolled_back';
/** Where an escalation stands. */
export type EscalationStatus = 'queued' | 'sent' | 'failed' | 'suppressed' | 'unconfigured';
/** What an escalation tells: a decision waits for a person, or the fault was fixed meanwhile. */
export type EscalationKind = 'decision' | 'fixed';

/** A decision is open (reused for its fingerprint) while in one of these; the catalog's table says which. */
export { OPEN_DECISION_STATUSES };

/** What the collector decided to do about an issue; at most one open per (project, fingerprint). */
export const decisions = pgTable(
  'decisions',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    fingerprint: text('fingerprint').notNull(),
    kind: text('kind').$type<ErrorKind>().notNull(),
    target: text('target').$type<FixTarget>().notNull(),
    service: text('service'),
    strategy: text('strategy').$type<StrategyName>().notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    source: text('source').$type<Decision['source']>().notNull(),
    trigger: text('trigger').$type<DecisionTrigger>().notNull(),
    confidence: doublePrecision('confidence').notNull(),
    modelConfidence: doublePrecision('model_confidence'),
    riskLevel: text('risk_level').$type<RiskLevel>().notNull(),
    reasoning: text('reasoning').notNull(),
    estimatedImpact: text('estimated_impact').notNull(),
    rollbackPlan: text('rollback_plan').notNull(),
    developerFix: text('developer_fix'),
    notes: jsonb('notes').$type<string[]>().notNull().default([]),
    autoApplied: boolean('auto_applied').notNull(),
    status: text('status').$type<Decision['status']>().notNull(),
    createdAt: time('created_at').notNull().defaultNow(),
    updatedAt: time('updated_at').notNull(),
    expiresAt: time('expires_at').notNull(),
  },
  (t) => [
    index('decisions_recent').on(t.projectId, t.createdAt),
    index('decisions_by_fingerprint').on(t.projectId, t.fingerprint, t.createdAt),
    // Concurrent events and several collectors share one open decision per fingerprint.
    uniqueIndex('decisions_one_open')
      .on(t.projectId, t.fingerprint)
      .where(
        sql`${t.status} in (${sql.raw(OPEN_DECISION_STATUSES.map((s) => `'${s}'`).join(', '))})`,
      ),
  ],
);

/** Who is deciding about a fingerprint right now, so only one collector asks the model. */
export const decisionClaims = pgTable(
  'decision_claims',
  {
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    fingerprint: text('fingerprint').notNull(),
    instance: text('instance').notNull(),
    expiresAt: time('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.fingerprint] })],
);

/** A fix sent to an agent, kept until it is acknowledged, finished or expired. */
export const commands = pgTable(
  'commands',
  {
    id: text('id').primaryKey(),
    decisionId: text('decision_id')
      .notNull()
      .references(() => decisions.id),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    fingerprint: text('fingerprint').notNull(),
    target: text('target').$type<FixTarget>().notNull(),
    service: text('service'),
    strategy: text('strategy').$type<StrategyName>().notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    /** True for a command that undoes an earlier fix of the same strategy. */
    rollback: boolean('rollback').notNull().default(false),
    status: text('status').$type<CommandStatus>().notNull(),
    deliveries: integer('deliveries').notNull().default(0),
    agentId: text('agent_id'),
    reason: text('reason'),
    issuedAt: time('issued_at').notNull(),
    expiresAt: time('expires_at').notNull(),
    deliveredAt: time('delivered_at'),
    acknowledgedAt: time('acknowledged_at'),
    completedAt: time('completed_at'),
  },
  (t) => [
    index('commands_waiting')
      .on(t.projectId, t.service, t.issuedAt)
      .where(sql`${t.status} in ('queued', 'delivered')`),
    index('commands_for_pages')
      .on(t.projectId, t.fingerprint)
      .where(sql`${t.target} = 'page' and ${t.status} in ('queued', 'delivered')`),
    index('commands_by_decision').on(t.decisionId),
  ],
);

/** A fix outcome an agent reported, and what verification made of it. */
export const outcomes = pgTable(
  'outcomes',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    /** The `fix_outcome` event it came from: a resent event is stored once. */
    eventId: text('event_id').notNull(),
    decisionId: text('decision_id').references(() => decisions.id),
    commandId: text('command_id').references(() => commands.id),
    fingerprint: text('fingerprint').notNull(),
    kind: text('kind').$type<ErrorKind>().notNull(),
    strategy: text('strategy').$type<StrategyName>().notNull(),
    service: text('service'),
    /** The page session that reported it (page outcomes only). */
    sessionId: text('session_id'),
    local: boolean('local').notNull(),
    /**
     * Whether its failure may hold the strategy off: only an outcome from the authenticated
     * service that ran the fix may; a page's may not (any page can send one).
     */
    mayHold: boolean('may_hold').notNull().default(true),
    reportedSuccess: boolean('reported_success').notNull(),
    status: text('status').$type<OutcomeStatus>().notNull(),
    success: boolean('success'),
    verifiedBy: text('verified_by'),
    detail: text('detail'),
    reportedAt: time('reported_at').notNull(),
    verifyAt: time('verify_at').notNull(),
    verifiedAt: time('verified_at'),
    errorRateBefore: doublePrecision('error_rate_before'),
    errorRateAfter: doublePrecision('error_rate_after'),
  },
  (t) => [
    uniqueIndex('outcomes_by_event').on(t.projectId, t.eventId),
    index('outcomes_due').on(t.verifyAt).where(sql`${t.status} = 'verifying'`),
    index('outcomes_recent').on(t.projectId, t.verifiedAt),
    index('outcomes_by_decision').on(t.decisionId),
    index('outcomes_by_session')
      .on(t.projectId, t.sessionId, t.reportedAt)
      .where(sql`${t.sessionId} is not null`),
  ],
);

/** What the collector learned about one strategy for one pattern (a fingerprint or a kind). */
export const knowledge = pgTable(
  'knowledge',
  {
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    patternType: text('pattern_type').$type<'fingerprint' | 'kind'>().notNull(),
    pattern: text('pattern').notNull(),
    strategy: text('strategy').$type<StrategyName>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    successes: integer('successes').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    blockedUntil: time('blocked_until'),
    cooldownUntil: time('cooldown_until'),
    /** The next restart's back-off (restart_service only). */
    backoffMs: integer('backoff_ms').notNull().default(0),
    lastOutcome: text('last_outcome').$type<'success' | 'failure'>(),
    lastOutcomeAt: time('last_outcome_at'),
    developerFix: text('developer_fix'),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.patternType, t.pattern, t.strategy] })],
);

/** One model call: tokens and estimated cost, for status and metrics. */
export const llmUsage = pgTable(
  'llm_usage',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    decisionId: text('decision_id').references(() => decisions.id),
    fingerprint: text('fingerprint').notNull(),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    costUsd: doublePrecision('cost_usd').notNull(),
    cached: boolean('cached').notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [index('llm_usage_recent').on(t.projectId, t.createdAt)],
);

/**
 * A person told about a decision that was not applied on its own, or, once a verified local fix
 * superseded it, that the fault was fixed.
 */
export const escalations = pgTable(
  'escalations',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    decisionId: text('decision_id')
      .notNull()
      .references(() => decisions.id),
    fingerprint: text('fingerprint').notNull(),
    kind: text('kind').$type<EscalationKind>().notNull().default('decision'),
    /** The verified outcome that fixed the fault, on a `fixed` escalation. */
    outcomeId: text('outcome_id'),
    status: text('status').$type<EscalationStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: time('created_at').notNull(),
    sentAt: time('sent_at'),
  },
  (t) => [
    index('escalations_by_fingerprint').on(t.projectId, t.fingerprint, t.createdAt),
    index('escalations_recent').on(t.projectId, t.createdAt),
    index('escalations_by_decision').on(t.decisionId),
  ],
);
