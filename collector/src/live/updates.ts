import type { DashboardUpdate, Issue, ReportSummary } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import type { Execute } from '../db/database.js';

/** The channel collectors NOTIFY on and LISTEN to. */
export const LIVE_CHANNEL = 'selfheal_live';

/** Postgres refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_000;

/** Packs updates into as few NOTIFY payloads as fit: each a JSON array of updates. */
export function toPayloads(updates: DashboardUpdate[]): string[] {
  const payloads: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const update of updates) {
    const json = JSON.stringify(update);
    const bytes = Buffer.byteLength(json);
    if (bytes + 2 > MAX_PAYLOAD_BYTES) {
      const slim = slimmed(update);
      if (slim) payloads.push(`[${JSON.stringify(slim)}]`);
      continue;
    }
    if (current.length > 0 && size + bytes + 1 > MAX_PAYLOAD_BYTES) {
      payloads.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += bytes + 1;
  }
  if (current.length > 0) payloads.push(`[${current.join(',')}]`);
  return payloads;
}

/** A shorter form of an update too big for one payload. */
function slimmed(update: DashboardUpdate): DashboardUpdate | undefined {
  const cut = (text: string | null) => (text === null ? null : text.slice(0, 500));
  if (update.type === 'issue') {
    return {
      ...update,
      issue: { ...update.issue, title: cut(update.issue.title) ?? '', url: cut(update.issue.url) },
    };
  }
  if (update.type === 'report') {
    return { ...update, report: { ...update.report, url: cut(update.report.url) } };
  }
  return undefined;
}

/** Reads a NOTIFY payload back into updates; anything malformed yields none. */
export function fromPayload(payload: string): DashboardUpdate[] {
  try {
    const parsed: unknown = JSON.parse(payload);
    return Array.isArray(parsed) ? (parsed as DashboardUpdate[]) : [];
  } catch {
    return [];
  }
}

/** The live form of a stored issue row. */
export function toIssueUpdate(project: string, issue: Issue, isNew: boolean): DashboardUpdate {
  return { type: 'issue', project, issue, isNew };
}

/** The live form of a stored report. */
export function toReportUpdate(project: string, report: ReportSummary): DashboardUpdate {
  return { type: 'report', project, report };
}

/** Sends `updates` on the live channel through `execute`: on commit, when inside a transaction. */
export async function notifyUpdates(execute: Execute, updates: DashboardUpdate[]): Promise<void> {
  const payloads = toPayloads(updates);
  if (payloads.length === 0) return;
  const notifies = payloads.map((p) => sql`pg_notify(${LIVE_CHANNEL}, ${p})`);
  await execute(sql`select ${sql.join(notifies, sql`, `)}`);
}
