import type { DashboardUpdate } from '@selfheal/shared/protocol';
import { type Db, executeOn } from '../db/database.js';
import { notifyUpdates } from './updates.js';

/**
 * Announces `updates` to every collector's dashboards inside the Drizzle transaction `tx` that
 * stores what they describe, through the same `notifyUpdates` ingest uses: Postgres delivers
 * a NOTIFY only when its transaction commits.
 */
export function publish(tx: Db, updates: DashboardUpdate[]): Promise<void> {
  return notifyUpdates(executeOn(tx), updates);
}
