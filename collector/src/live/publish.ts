import type { DashboardUpdate } from '@selfheal/shared/protocol';
import type { SQL } from 'drizzle-orm';
import type { Db, Execute, Row } from '../db/database.js';
import { notifyUpdates } from './updates.js';

/** An `Execute` over a Drizzle database or transaction. */
export function executeOn(tx: Db): Execute {
  return async <T extends Row>(query: SQL) => {
    const result: unknown = await tx.execute(query);
    return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
  };
}

/**
 * Announces `updates` to every collector's dashboards inside the Drizzle transaction `tx` that
 * stores what they describe, through the same `notifyUpdates` ingest uses: Postgres delivers
 * a NOTIFY only when its transaction commits.
 */
export function publish(tx: Db, updates: DashboardUpdate[]): Promise<void> {
  return notifyUpdates(executeOn(tx), updates);
}
