import type { Decision, FixOutcome } from '@selfheal/shared/protocol';

/** What the report reads from the collector, with the admin token. */
export interface CollectorClient {
  fixes(): Promise<FixOutcome[]>;
  decisions(): Promise<Decision[]>;
}

/** Reads the collector's admin API. */
export function createCollectorClient(collectorUrl: string, adminToken: string): CollectorClient {
  const get = async <T>(path: string): Promise<T> => {
    const answer = await fetch(`${collectorUrl}${path}`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!answer.ok) throw new Error(`GET ${path}: ${answer.status} ${await answer.text()}`);
    return (await answer.json()) as T;
  };
  return {
    fixes: async () => (await get<{ fixes: FixOutcome[] }>('/api/fixes?limit=500')).fixes,
    decisions: async () =>
      (await get<{ decisions: Decision[] }>('/api/decisions?limit=500')).decisions,
  };
}
