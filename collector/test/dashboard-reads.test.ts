import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decisions, fixOutcome, sendBackend, settle } from './decide-helpers.js';
import { ADMIN, adminGet, collectorPerSuite, event, report, STORES } from './harness.js';

const uid = () => randomUUID().slice(0, 8);

describe.each(STORES)('dashboard reads on $name', ({ create }) => {
  // Verified at the next sweep, so the test need not wait out a window.
  const suite = collectorPerSuite(create, decisions({ verifyWindowMs: 0 }));

  it('counts an issue per hour and names the services and page origins it was seen on', async () => {
    const fingerprint = `fp-trend-${uid()}`;
    const now = Date.now();
    const hourAgo = now - 3_600_000;
    await sendBackend(suite.base, 'orders', [event({ fingerprint, timestamp: hourAgo })]);
    await sendBackend(suite.base, 'billing', [event({ fingerprint, count: 2, timestamp: now })]);
    const res = await report(suite.base, {
      agent: 'frontend',
      sessionId: `s-${uid()}`,
      events: [event({ fingerprint, url: 'https://shop.example:8443/cart?id=1', timestamp: now })],
    });
    expect(res.status).toBe(202);

    const trends = await adminGet(suite.base, '/api/trends?bucket=hour&span=3');
    const issue = trends.issues.find((i: { fingerprint: string }) => i.fingerprint === fingerprint);
    expect(issue).toBeDefined();
    expect(issue.count).toBe(4);
    expect(issue.services.sort()).toEqual(['billing', 'orders']);
    expect(issue.origins).toEqual(['https://shop.example:8443']);
    const hour = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString();
    expect(issue.points).toEqual([
      { at: hour(hourAgo), count: 1 },
      { at: hour(now), count: 3 },
    ]);
    expect(Date.parse(trends.from)).toBe(Math.floor(now / 3_600_000) * 3_600_000 - 2 * 3_600_000);
  });

  it('rates each strategy by its verified outcomes and lists the fixes with their verdicts', async () => {
    // A page session teaches once per fingerprint: two sessions, two fingerprints.
    const sent = [true, false].map((success) => ({
      session: `s-${uid()}`,
      fingerprint: `fp-fix-${uid()}`,
      success,
    }));
    for (const { session, fingerprint, success } of sent) {
      const res = await report(suite.base, {
        agent: 'frontend',
        sessionId: session,
        events: [fixOutcome({ strategy: 'retry_request', fingerprint, success, local: true })],
      });
      expect(res.status).toBe(202);
    }
    await settle(suite.collector);

    const fixes = await adminGet(suite.base, '/api/fixes?limit=10');
    for (const { session, fingerprint, success } of sent) {
      const fix = fixes.fixes.find((f: { fingerprint: string }) => f.fingerprint === fingerprint);
      expect(fix).toMatchObject({
        strategy: 'retry_request',
        local: true,
        sessionId: session,
        status: success ? 'succeeded' : 'failed',
      });
    }

    const trends = await adminGet(suite.base, '/api/trends?bucket=day&span=1');
    const retry = trends.strategies.find(
      (s: { strategy: string }) => s.strategy === 'retry_request',
    );
    const total = retry.points.reduce(
      (
        sum: { attempts: number; successes: number },
        p: { attempts: number; successes: number },
      ) => ({
        attempts: sum.attempts + p.attempts,
        successes: sum.successes + p.successes,
      }),
      { attempts: 0, successes: 0 },
    );
    expect(total).toEqual({ attempts: 2, successes: 1 });
  });

  it('lists no model calls where no model was asked', async () => {
    expect(await adminGet(suite.base, '/api/model-calls')).toEqual({ calls: [] });
  });

  it('describes the new reads in /openapi.json, and not the page', async () => {
    const doc = (await (await fetch(`${suite.base}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/trends', '/api/fixes', '/api/model-calls']),
    );
    expect(Object.keys(doc.paths)).not.toContain('/');
  });

  it('refuses bad parameters with 400 naming the field, and no token with 401', async () => {
    for (const [path, field] of [
      ['/api/trends?bucket=week', 'bucket'],
      ['/api/trends?span=0', 'span'],
      ['/api/fixes?limit=9999', 'limit'],
      ['/api/model-calls?limit=x', 'limit'],
    ]) {
      const res = await fetch(`${suite.base}${path}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(res.status, path).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(field);
    }
    expect((await fetch(`${suite.base}/api/trends`)).status).toBe(401);
  });
});
