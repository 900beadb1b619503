import { randomUUID } from 'node:crypto';
import type { StrategyName } from '@selfheal/shared';
import type { Collector } from '../../collector/src/collector.js';
import { events } from '../../collector/src/db/schema.js';
import { commands, decisions } from '../../collector/src/db/schema-decisions.js';
import { waitFor } from './support.js';

/** A rollback command as the collector's verification would issue it. */
export interface RollbackSpec {
  service: string;
  strategy: StrategyName;
  params?: Record<string, unknown>;
}

/**
 * Stores a rolled-back decision and its `rollback` command, queued for `service`, straight into
 * the collector's store: making the collector roll back a real fix takes a fault that a fix made
 * worse and a verification window. The real command channel delivers it from there.
 */
export async function queueRollback(
  collector: Collector,
  spec: RollbackSpec,
): Promise<{ id: string; decisionId: string; fingerprint: string }> {
  const db = collector.database.db;
  const now = new Date();
  const later = new Date(now.getTime() + 60_000);
  const decisionId = `dec-${randomUUID()}`;
  const fingerprint = `fp-rollback-${randomUUID()}`;
  const params = spec.params ?? {};
  await db.insert(decisions).values({
    id: decisionId,
    projectId: 'default',
    fingerprint,
    kind: 'high_cpu',
    target: 'service',
    service: spec.service,
    strategy: spec.strategy,
    params,
    source: 'operator',
    trigger: 'degraded',
    confidence: 1,
    riskLevel: 'moderate',
    reasoning: 'a test rollback',
    estimatedImpact: 'none',
    rollbackPlan: 'undo the fix',
    autoApplied: false,
    status: 'rolled_back',
    updatedAt: now,
    expiresAt: later,
  });
  const id = `cmd-${randomUUID()}`;
  await db.insert(commands).values({
    id,
    decisionId,
    projectId: 'default',
    fingerprint,
    target: 'service',
    service: spec.service,
    strategy: spec.strategy,
    params,
    rollback: true,
    status: 'queued',
    issuedAt: now,
    expiresAt: later,
  });
  return { id, decisionId, fingerprint };
}

/** The command row once the agent has answered it (accepted or refused). */
export function answered(collector: Collector, id: string) {
  return waitFor(`the ack of ${id}`, async () => {
    // Few rows: a scan spares this package a dependency on drizzle-orm for `eq`.
    const rows = await collector.database.db.select().from(commands);
    const row = rows.find((r) => r.id === id);
    return row && row.status !== 'queued' && row.status !== 'delivered' ? row : undefined;
  });
}

/**
 * The stored `type` event of command `id`, read from the store: its fingerprint has no issue
 * (fix events alone make none), so the issue API does not list it.
 */
export function storedFixEvent(
  collector: Collector,
  id: string,
  type: 'fix_attempt' | 'fix_outcome',
) {
  return waitFor(`a ${type} of ${id}`, async () => {
    const rows = await collector.database.db.select().from(events);
    return rows.find((e) => e.type === type && e.data?.commandId === id);
  });
}

/** The fix events stored for command `id`. */
export async function fixEventsOf(collector: Collector, id: string) {
  const rows = await collector.database.db.select().from(events);
  return rows.filter((e) => e.data?.commandId === id);
}
