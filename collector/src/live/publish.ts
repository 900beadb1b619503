import type { DashboardUpdate } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { LIVE_CHANNEL, toPayloads } from './updates.js';

/**
 * Announces `updates` to every collector's dashboards, inside the transaction `tx` that stores
 * what they describe: Postgres delivers a NOTIFY only when its transaction commits.
 */
export async function publish(tx: Db, updates: DashboardUpdate[]): Promise<void> {
  const payloads = toPayloads(updates);
  if (payloads.length === 0) return;
  const notifies = payloads.map((p) => sql`pg_notify(${LIVE_CHANNEL}, ${p})`);
  await tx.execute(sql`select ${sql.join(notifies, sql`, `)}`);
}
