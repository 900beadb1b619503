import type { Command, CommandAck } from '@selfheal/shared/protocol';
import { PROTOCOL_VERSION } from '@selfheal/shared/protocol';
import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { type CommandStatus, commands } from '../db/schema.js';

/** A command row as stored. */
export type CommandRow = typeof commands.$inferSelect;

/** A delivered but unacknowledged command is delivered again after this long. */
export const REDELIVER_AFTER_MS = 5_000;
/** Most commands in one batch. */
const MAX_BATCH = 20;

const WAITING: CommandStatus[] = ['queued', 'delivered'];

/** The wire form of a stored command. */
export function toCommand(row: CommandRow): Command {
  return {
    type: 'command',
    protocolVersion: PROTOCOL_VERSION,
    id: row.id,
    decisionId: row.decisionId,
    project: row.projectId,
    fingerprint: row.fingerprint,
    target: row.target,
    service: row.service,
    strategy: row.strategy,
    params: row.params,
    ...(row.rollback ? { rollback: true } : {}),
    issuedAt: row.issuedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** Stores a command for an agent; call it inside the transaction that dispatches its decision. */
export async function insertCommand(
  tx: Db,
  command: Omit<typeof commands.$inferInsert, 'status' | 'deliveries'>,
): Promise<CommandRow> {
  const [row] = await tx
    .insert(commands)
    .values({ ...command, status: 'queued', deliveries: 0 })
    .returning();
  return row as CommandRow;
}

/**
 * Takes the commands waiting for `service` in `project` and records their delivery to `agentId`:
 * new ones, and delivered ones not acknowledged within REDELIVER_AFTER_MS. Several collectors
 * may poll at once; each command goes to one poll at a time.
 */
export async function takeCommands(
  db: Db,
  where: { project: string; service: string; agentId: string },
  now: number,
): Promise<CommandRow[]> {
  const at = new Date(now);
  const due = db
    .select({ id: commands.id })
    .from(commands)
    .where(
      and(
        eq(commands.projectId, where.project),
        eq(commands.service, where.service),
        eq(commands.target, 'service'),
        inArray(commands.status, WAITING),
        gt(commands.expiresAt, at),
        or(
          eq(commands.status, 'queued'),
          isNull(commands.deliveredAt),
          lt(commands.deliveredAt, new Date(now - REDELIVER_AFTER_MS)),
        ),
      ),
    )
    .orderBy(commands.issuedAt)
    .limit(MAX_BATCH)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(commands)
    .set({
      status: 'delivered',
      deliveries: sql`${commands.deliveries} + 1`,
      deliveredAt: at,
      agentId: where.agentId,
    })
    .where(inArray(commands.id, due))
    .returning();
  return rows.sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime());
}

/**
 * Records an agent's acknowledgement. Idempotent: a command already acknowledged, refused or
 * finished keeps its state. Undefined when the service has no such command: only the service a
 * command was issued to may settle it.
 */
export async function acknowledgeCommand(
  db: Db,
  owner: { project: string; service: string },
  ack: CommandAck,
  now: number,
): Promise<{ row: CommandRow; changed: boolean } | undefined> {
  const [updated] = await db
    .update(commands)
    .set({
      status: ack.accepted ? 'acknowledged' : 'refused',
      acknowledgedAt: new Date(now),
      agentId: ack.agentId,
      reason: ack.reason ?? null,
    })
    .where(
      and(
        eq(commands.id, ack.commandId),
        eq(commands.projectId, owner.project),
        eq(commands.service, owner.service),
        eq(commands.target, 'service'),
        inArray(commands.status, WAITING),
      ),
    )
    .returning();
  if (updated) return { row: updated, changed: true };
  const [row] = await db
    .select()
    .from(commands)
    .where(
      and(
        eq(commands.id, ack.commandId),
        eq(commands.projectId, owner.project),
        eq(commands.service, owner.service),
        eq(commands.target, 'service'),
      ),
    );
  return row ? { row, changed: false } : undefined;
}

/** Every open page command (recommendation), oldest first, up to `limit`. */
export async function openPageCommands(db: Db, now: number, limit = 5_000): Promise<CommandRow[]> {
  return db
    .select()
    .from(commands)
    .where(
      and(
        eq(commands.target, 'page'),
        inArray(commands.status, WAITING),
        gt(commands.expiresAt, new Date(now)),
      ),
    )
    .orderBy(commands.issuedAt)
    .limit(limit);
}

/** Records that the page commands `ids` were handed to page agents (once per call). */
export async function markDelivered(db: Db, ids: string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(commands)
    .set({
      status: 'delivered',
      deliveries: sql`${commands.deliveries} + 1`,
      deliveredAt: new Date(now),
    })
    .where(and(inArray(commands.id, ids), inArray(commands.status, WAITING)));
}

/** Marks commands past their expiry as expired; returns them. */
export async function expireCommands(db: Db, now: number): Promise<CommandRow[]> {
  return db
    .update(commands)
    .set({ status: 'expired', completedAt: new Date(now) })
    .where(
      and(
        inArray(commands.status, [...WAITING, 'acknowledged']),
        lt(commands.expiresAt, new Date(now)),
      ),
    )
    .returning();
}

/** A command of `project` by id. */
export async function getCommand(
  db: Db,
  project: string,
  id: string,
): Promise<CommandRow | undefined> {
  const [row] = await db
    .select()
    .from(commands)
    .where(and(eq(commands.id, id), eq(commands.projectId, project)));
  return row;
}
