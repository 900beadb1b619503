import { inArray } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { loopInbox } from '../db/schema.js';

/** A row of the loop's inbox: a fix outcome or an urgent fault, as ingest stored it. */
export type InboxRow = typeof loopInbox.$inferSelect;

/**
 * Takes up to `limit` rows, oldest first, and deletes them; call it inside the transaction that
 * handles them, so they come back if that transaction fails. Other collectors skip the rows
 * this one holds.
 */
export async function takeInbox(tx: Db, limit: number): Promise<InboxRow[]> {
  const due = tx
    .select({ seq: loopInbox.seq })
    .from(loopInbox)
    .orderBy(loopInbox.seq)
    .limit(limit)
    .for('update', { skipLocked: true });
  const rows = await tx.delete(loopInbox).where(inArray(loopInbox.seq, due)).returning();
  return rows.sort((a, b) => a.seq - b.seq);
}
