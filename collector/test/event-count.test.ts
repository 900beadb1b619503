import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decisions, settle } from './decide-helpers.js';
import { adminGet, collectorPerSuite, report, STORES } from './harness.js';

/** A page error standing for `count` occurrences the agent merged. */
const repeated = (fingerprint: string, count?: number) => ({
  id: randomUUID(),
  type: 'error',
  kind: 'type_error',
  severity: 'medium',
  fingerprint,
  message: "TypeError: Cannot read properties of undefined (reading 'total')",
  timestamp: Date.now(),
  ...(count === undefined ? {} : { count }),
});

describe.each(STORES)('events that stand for several occurrences, on $name', ({ create }) => {
  const suite = collectorPerSuite(create, decisions());

  it('counts every occurrence in the issue, the error rate and the persistence trigger', async () => {
    const fingerprint = `cart-${randomUUID().slice(0, 8)}`;
    const sessionId = `s-${randomUUID()}`;
    const first = { agent: 'frontend', sessionId, events: [repeated(fingerprint, 50)] };
    expect((await report(suite.base, first)).status).toBe(202);
    // A resend of the same event is a duplicate: its occurrences are not counted twice.
    const resent = await report(suite.base, first);
    expect(await resent.json()).toEqual({ accepted: 0, duplicates: 1 });
    const more = await report(suite.base, {
      agent: 'frontend',
      sessionId,
      events: [repeated(fingerprint, 3), repeated(fingerprint)],
    });
    expect(await more.json()).toEqual({ accepted: 2, duplicates: 0 });
    await settle(suite.collector);
    const { issue } = await adminGet(suite.base, `/api/issues/${fingerprint}`);
    expect(issue.count).toBe(54);
    const status = await adminGet(suite.base, '/api/status');
    expect(status.totalErrors).toBeGreaterThanOrEqual(54);
    // One event standing for 50 occurrences is persistent (the threshold is 5 occurrences).
    const { decisions: made } = await adminGet(
      suite.base,
      `/api/decisions?fingerprint=${fingerprint}`,
    );
    expect(made).toHaveLength(1);
    expect(made[0].fingerprint).toBe(fingerprint);
  });

  it('refuses a count that is not a positive integer', async () => {
    for (const count of [0, -1, 1.5, 2_000_000, '3']) {
      const res = await report(suite.base, {
        agent: 'frontend',
        events: [repeated('bad-count', count as number)],
      });
      expect(res.status, String(count)).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/count/);
    }
  });
});
