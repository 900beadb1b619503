import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { events, reports } from '../db/schema.js';

const DAY_MS = 86_400_000;
/** Days after today that get their partition ahead of time. */
const DAYS_AHEAD = 2;
const PARTITION_NAME = /^events_p(\d{4})(\d{2})(\d{2})$/;

/** What one retention pass did. */
export interface RetentionResult {
  created: string[];
  dropped: string[];
}

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const nameOf = (day: number) =>
  `events_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** The oldest event time retention keeps at `now`: the start of the day `days` days ago. */
export function retentionCutoff(days: number, now: number): number {
  return dayStart(now) - days * DAY_MS;
}

/**
 * Keeps the events of the last `days` days: creates each day's partition (from `days` ago to
 * two days ahead), moving any of its rows out of the default partition first, and drops the
 * partitions of older days whole. Old rows left in the default partition (events whose time
 * fell outside every partition) and old reports are deleted; issue counts stay.
 */
export async function applyRetention(
  database: Database,
  days: number,
  now = Date.now(),
): Promise<RetentionResult> {
  const today = dayStart(now);
  const cutoff = retentionCutoff(days, now);
  const existing = new Set(
    (
      await database.execute<{ name: string }>(sql`
        select c.relname as name from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        join pg_class p on p.oid = i.inhparent
        where p.relname = 'events'`)
    ).map((row) => row.name),
  );

  const created: string[] = [];
  for (let day = cutoff; day <= today + DAYS_AHEAD * DAY_MS; day += DAY_MS) {
    const name = nameOf(day);
    if (existing.has(name)) continue;
    await database.transaction(async (execute) => {
      const table = sql.identifier(name);
      const [from, to] = [iso(day), iso(day + DAY_MS)];
      await execute(sql`create table ${table} (like ${events} including defaults)`);
      // Rows of this day that arrived before it had a partition; attaching checks none is left.
      await execute(sql`
        with moved as (
          delete from events_default
          where occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz
          returning *
        )
        insert into ${table} select * from moved`);
      await execute(sql`
        alter table ${events} attach partition ${table}
        for values from (${sql.raw(`'${from}'`)}) to (${sql.raw(`'${to}'`)})`);
    });
    created.push(name);
  }

  const dropped: string[] = [];
  for (const name of existing) {
    const match = PARTITION_NAME.exec(name);
    if (!match) continue;
    const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    if (day >= cutoff) continue;
    await database.execute(sql`drop table if exists ${sql.identifier(name)}`);
    dropped.push(name);
  }
  await database.execute(
    sql`delete from events_default where occurred_at < ${iso(cutoff)}::timestamptz`,
  );
  await database.execute(
    sql`delete from ${reports} where received_at < ${iso(cutoff)}::timestamptz`,
  );
  return { created, dropped };
}
