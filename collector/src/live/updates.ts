import type { DashboardUpdate, Issue, ReportSummary } from '@selfheal/shared/protocol';
import { sql } from 'drizzle-orm';
import type { Execute } from '../db/database.js';

/** The channel collectors NOTIFY on and LISTEN to. */
export const LIVE_CHANNEL = 'selfheal_live';

/** Postgres refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_000;

/**
 * Each update's JSON and the NOTIFY payload it goes in (numbered from 0), packed in order so
 * that each payload fits; an update too big is slimmed and sent alone, or left out (undefined)
 * when it cannot be.
 */
export function packUpdates(
  updates: DashboardUpdate[],
): Array<{ json: string; payload: number } | undefined> {
  const packed: Array<{ json: string; payload: number } | undefined> = [];
  let payload = -1;
  let size = MAX_PAYLOAD_BYTES;
  for (const update of updates) {
    const json = JSON.stringify(update);
    const bytes = Buffer.byteLength(json);
    if (bytes + 2 > MAX_PAYLOAD_BYTES) {
      const slim = slimmed(update);
      if (slim) {
        payload += 1;
        size = MAX_PAYLOAD_BYTES;
      }
      packed.push(slim ? { json: JSON.stringify(slim), payload } : undefined);
      continue;
    }
    if (size + bytes + 1 > MAX_PAYLOAD_BYTES) {
      payload += 1;
      size = 2;
    }
    packed.push({ json, payload });
    size += bytes + 1;
  }
  return packed;
}

/** Packs updates into as few NOTIFY payloads as fit: each a JSON array of updates. */
export function toPayloads(updates: DashboardUpdate[]): string[] {
  const payloads: string[][] = [];
  for (const item of packUpdates(updates)) {
    if (!item) continue;
    const jsons = payloads[item.payload] ?? [];
    jsons.push(item.json);
    payloads[item.payload] = jsons;
  }
  return payloads.filter(Boolean).map((jsons) => `[${jsons.join(',')}]`);
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
