import { ADMIN, adminGet } from '../../collector/test/harness.js';

/** Polls `probe` until it returns something truthy, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One event as `GET /api/issues/:fingerprint` lists it. */
export interface StoredEvent {
  id: string;
  type: string;
  kind: string;
  fingerprint: string;
  message?: string;
  data?: Record<string, unknown>;
  service: string | null;
}

/** The issue for `fingerprint` and its recent events, or undefined before the collector has it. */
export async function issueDetail(
  base: string,
  fingerprint: string,
): Promise<
  | { issue: { count: number; kind: string; service: string | null }; events: StoredEvent[] }
  | undefined
> {
  const res = await fetch(`${base}/api/issues/${fingerprint}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`issue ${fingerprint}: ${res.status}`);
  return (await res.json()) as {
    issue: { count: number; kind: string; service: string | null };
    events: StoredEvent[];
  };
}

/** The stored fix outcome for `fingerprint` that matches `where`, once the collector has it. */
export function storedOutcome(
  base: string,
  fingerprint: string,
  where: (data: Record<string, unknown>) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<StoredEvent> {
  return waitFor(
    `a fix_outcome for ${fingerprint}`,
    async () => {
      const detail = await issueDetail(base, fingerprint);
      return detail?.events.find((e) => e.type === 'fix_outcome' && e.data && where(e.data));
    },
    timeoutMs,
  );
}

export { adminGet };
