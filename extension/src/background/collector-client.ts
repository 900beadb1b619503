import { isRetryableStatus } from '@selfheal/shared';
import {
  type Command,
  type Decision,
  decisionSchema,
  type Report,
  reportAckSchema,
  type Settings,
} from '@selfheal/shared/protocol';
import { z } from 'zod';

/** How a report fared: delivered (with the collector's recommendations) or why not. */
export type ReportResult =
  | { ok: true; commands: Command[]; skipped?: boolean }
  | { ok: false; retry: boolean; error: string };

const TIMEOUT_MS = 15_000;

function endpoint(settings: Settings, path: string): string {
  return new URL(
    path,
    settings.collectorUrl.endsWith('/') ? settings.collectorUrl : `${settings.collectorUrl}/`,
  ).toString();
}

async function problemOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: unknown; title?: unknown };
    const text = typeof body.detail === 'string' ? body.detail : body.title;
    return `${res.status} ${typeof text === 'string' ? text : res.statusText}`.slice(0, 1_000);
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}

/** Sends `report` to the collector with the project key; never throws. */
export async function postReport(settings: Settings, report: Report): Promise<ReportResult> {
  if (!settings.reportingEnabled) return { ok: true, commands: [], skipped: true };
  if (!settings.projectKey) {
    return { ok: false, retry: false, error: 'no project key set in the Selfheal panel' };
  }
  let res: Response;
  try {
    res = await fetch(endpoint(settings, 'api/report'), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${settings.projectKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(report),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return {
      ok: false,
      retry: true,
      error: `collector unreachable: ${String(error)}`.slice(0, 1_000),
    };
  }
  if (!res.ok) {
    const retry = isRetryableStatus(res.status);
    return { ok: false, retry, error: `collector answered ${await problemOf(res)}` };
  }
  const ack = reportAckSchema.safeParse(await res.json().catch(() => null));
  const now = Date.now();
  const commands = ack.success
    ? (ack.data.commands ?? []).filter((c) => c.target === 'page' && Date.parse(c.expiresAt) > now)
    : [];
  return { ok: true, commands };
}

/** Decisions for some issues, or why they cannot be shown. */
export type DecisionsResult = { available: boolean; decisions: Decision[]; error: string | null };

const decisionListSchema = z.union([
  z.object({ decisions: z.array(decisionSchema) }),
  z.array(decisionSchema).transform((decisions) => ({ decisions })),
]);

function adminHeaders(settings: Settings): Record<string, string> {
  return { authorization: `Bearer ${settings.adminToken}` };
}

/** The collector's decisions for `fingerprints` (admin token); a collector without the route is not an error. */
export async function fetchDecisions(
  settings: Settings,
  fingerprints: string[],
): Promise<DecisionsResult> {
  if (!settings.adminToken) {
    return {
      available: false,
      decisions: [],
      error: 'Set an admin token to see the collector’s decisions.',
    };
  }
  const decisions = new Map<string, Decision>();
  try {
    for (const fingerprint of fingerprints.slice(0, 25)) {
      const url = endpoint(
        settings,
        `api/decisions?fingerprint=${encodeURIComponent(fingerprint)}`,
      );
      const res = await fetch(url, {
        headers: adminHeaders(settings),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (res.status === 404) {
        return {
          available: false,
          decisions: [],
          error: 'This collector has no decisions API (404).',
        };
      }
      if (!res.ok)
        return {
          available: false,
          decisions: [],
          error: `collector answered ${await problemOf(res)}`,
        };
      const parsed = decisionListSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success)
        return { available: false, decisions: [], error: 'unexpected answer from the collector' };
      for (const decision of parsed.data.decisions) decisions.set(decision.id, decision);
    }
  } catch (error) {
    return { available: false, decisions: [], error: `collector unreachable: ${String(error)}` };
  }
  const list = [...decisions.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { available: true, decisions: list, error: null };
}

/** Approves or rejects a decision (admin token); resolves with why it failed, or null. */
export async function decide(
  settings: Settings,
  decisionId: string,
  action: 'approve' | 'reject',
): Promise<string | null> {
  if (!settings.adminToken) return 'no admin token set';
  try {
    const res = await fetch(
      endpoint(settings, `api/decisions/${encodeURIComponent(decisionId)}/${action}`),
      {
        method: 'POST',
        headers: { ...adminHeaders(settings), 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
    );
    if (res.status === 404)
      return 'the collector does not know this decision (or has no decisions API)';
    return res.ok ? null : `collector answered ${await problemOf(res)}`;
  } catch (error) {
    return `collector unreachable: ${String(error)}`;
  }
}
