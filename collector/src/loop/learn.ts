import { type ErrorKind, RESTART_BACKOFF, STRATEGIES, type StrategyName } from '@selfheal/shared';
import { and, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { knowledge } from '../db/schema.js';
import type { KnowledgeRecord } from '../decide/types.js';

/** A knowledge row as stored. */
export type KnowledgeRow = typeof knowledge.$inferSelect;

/** Consecutive failures of a (fingerprint, strategy) that open its breaker. */
export const BREAKER_FAILURES = 3;
/** How long an open breaker, a rollback or a refusal holds a strategy off. */
export const HOLD_OFF_MS = 60 * 60_000;

/** What `decide()` reads for an issue: rows for its fingerprint and its kind, and what is blocked. */
export async function readKnowledge(
  db: Db,
  where: { project: string; fingerprint: string; kind: ErrorKind },
  now: number,
): Promise<{ records: KnowledgeRecord[]; blocked: Set<StrategyName> }> {
  const rows = await db
    .select()
    .from(knowledge)
    .where(
      and(
        eq(knowledge.projectId, where.project),
        or(
          and(eq(knowledge.patternType, 'fingerprint'), eq(knowledge.pattern, where.fingerprint)),
          and(eq(knowledge.patternType, 'kind'), eq(knowledge.pattern, where.kind)),
        ),
      ),
    );
  const blocked = new Set<StrategyName>();
  for (const row of rows) {
    if (row.patternType !== 'fingerprint') continue;
    const until = Math.max(row.blockedUntil?.getTime() ?? 0, row.cooldownUntil?.getTime() ?? 0);
    if (until > now) blocked.add(row.strategy);
  }
  const records = rows.map((row) => ({
    patternType: row.patternType,
    pattern: row.pattern,
    strategy: row.strategy,
    successes: row.successes,
    failures: row.failures,
    developerFix: row.developerFix,
  }));
  return { records, blocked };
}

interface Pattern {
  project: string;
  fingerprint: string;
  kind: ErrorKind;
  strategy: StrategyName;
}

/** Locks (creating when new) the knowledge row of one pattern and strategy. */
async function lockRow(
  tx: Db,
  project: string,
  patternType: 'fingerprint' | 'kind',
  pattern: string,
  strategy: StrategyName,
  now: Date,
): Promise<KnowledgeRow> {
  const key = { projectId: project, patternType, pattern, strategy };
  const [row] = await lockRows(tx, [key], now);
  return row as KnowledgeRow;
}

type RowKey = Pick<KnowledgeRow, 'projectId' | 'patternType' | 'pattern' | 'strategy'>;
const keyString = (k: RowKey) => [k.projectId, k.patternType, k.pattern, k.strategy].join('\u0000');

/**
 * Locks (creating those that are new) the knowledge rows of `keys`, in key order, so that
 * collectors learning at the same time take them in the same order.
 */
async function lockRows(tx: Db, keys: RowKey[], now: Date): Promise<KnowledgeRow[]> {
  const unique = [...new Map(keys.map((k) => [keyString(k), k])).values()].sort((a, b) =>
    keyString(a) < keyString(b) ? -1 : 1,
  );
  await tx
    .insert(knowledge)
    .values(unique.map((k) => ({ ...k, updatedAt: now })))
    .onConflictDoNothing();
  return tx
    .select()
    .from(knowledge)
    .where(or(...unique.map(keyWhere)))
    .orderBy(knowledge.projectId, knowledge.patternType, knowledge.pattern, knowledge.strategy)
    .for('update');
}

const keyWhere = (row: RowKey) =>
  and(
    eq(knowledge.projectId, row.projectId),
    eq(knowledge.patternType, row.patternType),
    eq(knowledge.pattern, row.pattern),
    eq(knowledge.strategy, row.strategy),
  );

/** One verified outcome to learn. */
export type LearnedOutcome = Pattern & {
  success: boolean;
  holdOff?: boolean;
  mayHold?: boolean;
  developerFix?: string | null;
};

/**
 * Learns one verified outcome, on the fingerprint's row and the kind's row. On the fingerprint's
 * row it also runs loop protection: BREAKER_FAILURES failures in a row or `holdOff` block the
 * strategy for HOLD_OFF_MS, a success starts the strategy's cooldown, and restart_service backs
 * off as the catalog's RESTART_BACKOFF says. An outcome that may not hold (`mayHold: false`: a page's,
 * which anyone can send) counts in the record but never blocks the strategy. A developer fix is
 * kept on the fingerprint's row only.
 */
export function learnOutcome(tx: Db, outcome: LearnedOutcome, nowMs: number): Promise<void> {
  return learnOutcomes(tx, [outcome], nowMs);
}

/**
 * Learns `list` in order, as `learnOutcome` would one after the other, in two statements and
 * one update per row touched: outcomes of one kind share its row.
 */
export async function learnOutcomes(
  tx: Db,
  list: readonly LearnedOutcome[],
  nowMs: number,
): Promise<void> {
  if (list.length === 0) return;
  const now = new Date(nowMs);
  const patternsOf = (o: LearnedOutcome) =>
    (
      [
        ['fingerprint', o.fingerprint],
        ['kind', o.kind],
      ] as const
    ).map(([patternType, pattern]) => ({
      projectId: o.project,
      patternType,
      pattern,
      strategy: o.strategy,
    }));
  const rows = new Map(
    (await lockRows(tx, list.flatMap(patternsOf), now)).map((row) => [keyString(row), row]),
  );
  const changed = new Set<string>();
  for (const outcome of list) {
    for (const key of patternsOf(outcome)) {
      const id = keyString(key);
      const row = rows.get(id) as KnowledgeRow;
      rows.set(id, { ...row, ...learnedRow(row, outcome, nowMs) });
      changed.add(id);
    }
  }
  for (const id of changed) {
    const { projectId, patternType, pattern, strategy, ...values } = rows.get(id) as KnowledgeRow;
    await tx
      .update(knowledge)
      .set(values)
      .where(keyWhere({ projectId, patternType, pattern, strategy }));
  }
}

/** What one outcome changes on one of its rows. */
function learnedRow(
  row: KnowledgeRow,
  outcome: LearnedOutcome,
  nowMs: number,
): Partial<KnowledgeRow> {
  const mayHold = outcome.mayHold !== false;
  const now = new Date(nowMs);
  const consecutive = outcome.success ? 0 : row.consecutiveFailures + 1;
  const next: Partial<KnowledgeRow> = {
    attempts: row.attempts + 1,
    successes: row.successes + (outcome.success ? 1 : 0),
    failures: row.failures + (outcome.success ? 0 : 1),
    consecutiveFailures: consecutive,
    lastOutcome: outcome.success ? 'success' : 'failure',
    lastOutcomeAt: now,
    developerFix:
      row.patternType === 'fingerprint'
        ? (outcome.developerFix ?? row.developerFix)
        : row.developerFix,
    updatedAt: now,
  };
  if (row.patternType !== 'fingerprint') return next;
  if (mayHold && (outcome.holdOff || consecutive >= BREAKER_FAILURES)) {
    next.blockedUntil = new Date(nowMs + HOLD_OFF_MS);
  }
  if (outcome.strategy === 'restart_service') {
    const backoff = outcome.success
      ? 0
      : Math.min(Math.max(row.backoffMs * 2, RESTART_BACKOFF.initialMs), RESTART_BACKOFF.maxMs);
    next.backoffMs = backoff;
    next.cooldownUntil = new Date(
      nowMs + (outcome.success ? STRATEGIES.restart_service.cooldownMs : backoff),
    );
  } else if (outcome.success) {
    next.cooldownUntil = new Date(nowMs + STRATEGIES[outcome.strategy].cooldownMs);
  }
  return next;
}

/** Holds a strategy off for a fingerprint without counting an outcome (an agent refused it). */
export async function holdOff(tx: Db, pattern: Pattern, nowMs: number): Promise<void> {
  const now = new Date(nowMs);
  const row = await lockRow(
    tx,
    pattern.project,
    'fingerprint',
    pattern.fingerprint,
    pattern.strategy,
    now,
  );
  await tx
    .update(knowledge)
    .set({ blockedUntil: new Date(nowMs + HOLD_OFF_MS), updatedAt: now })
    .where(keyWhere(row));
}

/**
 * Remembers the developer fix a model named, on its own fingerprint only: it is untrusted
 * advice (error text anyone can make reaches the model), shown as text, never carried to the
 * kind nor fed back into prompts.
 */
export async function rememberDeveloperFix(
  tx: Db,
  pattern: Pattern & { developerFix: string },
  nowMs: number,
): Promise<void> {
  const now = new Date(nowMs);
  await tx
    .insert(knowledge)
    .values({
      projectId: pattern.project,
      patternType: 'fingerprint',
      pattern: pattern.fingerprint,
      strategy: pattern.strategy,
      developerFix: pattern.developerFix,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [knowledge.projectId, knowledge.patternType, knowledge.pattern, knowledge.strategy],
      set: { developerFix: pattern.developerFix, updatedAt: now },
    });
}

/** Knowledge of `project`, most tried first. */
export async function listKnowledge(
  db: Db,
  project: string,
  filter: { patternType?: 'fingerprint' | 'kind'; pattern?: string; limit?: number },
): Promise<KnowledgeRow[]> {
  return db
    .select()
    .from(knowledge)
    .where(
      and(
        eq(knowledge.projectId, project),
        filter.patternType ? eq(knowledge.patternType, filter.patternType) : undefined,
        filter.pattern ? eq(knowledge.pattern, filter.pattern) : undefined,
      ),
    )
    .orderBy(sql`${knowledge.attempts} desc`, knowledge.pattern, knowledge.strategy)
    .limit(filter.limit ?? 200);
}
