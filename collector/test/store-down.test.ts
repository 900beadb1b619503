import { request } from 'node:http';
import type { Problem } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { ADMIN, collectorPerSuite, event, KEY, report, STORES } from './harness.js';

/** Sends a request whose body stops short of its Content-Length, then half-closes. */
function truncated(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-length': '500' },
    });
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.write('{"agent":"frontend","events":[');
    setTimeout(() => req.socket?.end(), 50);
  });
}

describe.each(STORES)('when things go wrong on $name', ({ create }) => {
  const suite = collectorPerSuite(create);

  it('answers a body cut short with 400, and keeps serving', async () => {
    expect(await truncated(suite.base)).toBe(400);
    expect((await report(suite.base, { agent: 'frontend', events: [event()] })).status).toBe(202);
  });

  it('reports the store down on /api/health and refuses reports with 503 and Retry-After', async () => {
    await suite.collector.database.close();
    const health = await fetch(`${suite.base}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', database: 'down' });
    const res = await report(suite.base, { agent: 'frontend', events: [event()] });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as Problem).title).toBe('Store unavailable');
    // Reads say the same, not 500.
    const status = await fetch(`${suite.base}/api/status`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(status.status).toBe(503);
  });
});
