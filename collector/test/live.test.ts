import type { DashboardUpdate } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN, collectorPerSuite, event, report, STORES, startCollector } from './harness.js';

/** Opens a dashboard socket and collects what it is sent. */
async function dashboard(base: string, token = ADMIN, project?: string) {
  const query = project ? `&project=${project}` : '';
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/dashboard?token=${token}${query}`);
  const received: DashboardUpdate[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = async (predicate: (u: DashboardUpdate) => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const found = received.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(
      `no matching update within ${ms} ms; got ${JSON.stringify(received).slice(0, 500)}`,
    );
  };
  return { ws, received, until };
}

describe.each(STORES)('live updates on $name', ({ name, create }) => {
  const suite = collectorPerSuite(create);

  it('pushes each new report and issue change to dashboards', async () => {
    const live = await dashboard(suite.base);
    await live.until((u) => u.type === 'hello');
    const message = `ReferenceError: live${Date.now()} is not defined`;
    await report(suite.base, {
      agent: 'frontend',
      sessionId: 'live-1',
      events: [event({ message, stack: undefined })],
    });
    const issue = await live.until((u) => u.type === 'issue' && u.issue.title === message);
    expect(issue).toMatchObject({ isNew: true, issue: { count: 1, kind: 'reference_error' } });
    await live.until((u) => u.type === 'report' && u.report.sessionId === 'live-1');

    await report(suite.base, {
      agent: 'frontend',
      sessionId: 'live-1',
      events: [event({ message, stack: undefined })],
    });
    const changed = await live.until(
      (u) => u.type === 'issue' && u.issue.title === message && u.issue.count === 2,
    );
    expect(changed).toMatchObject({ isNew: false });
    live.ws.close();
  });

  it("sends a dashboard only its own project's updates", async () => {
    const mine = await dashboard(suite.base);
    const other = await dashboard(suite.base, ADMIN, 'another-project');
    await mine.until((u) => u.type === 'hello');
    await other.until((u) => u.type === 'hello');
    const message = `ReferenceError: scoped${Date.now()} is not defined`;
    await report(suite.base, {
      agent: 'frontend',
      sessionId: 'live-scoped',
      events: [event({ message, stack: undefined })],
    });
    const issue = await mine.until((u) => u.type === 'issue' && u.issue.title === message);
    expect(issue).toMatchObject({ project: 'default' });
    await mine.until((u) => u.type === 'report' && u.report.sessionId === 'live-scoped');
    expect(other.received.map((u) => u.type)).toEqual(['hello']);
    mine.ws.close();
    other.ws.close();
  });

  it('refuses a socket without the admin token', async () => {
    await expect(dashboard(suite.base, 'wrong')).rejects.toThrow(/403/);
  });

  it('answers a plain GET with 426, not a hanging request', async () => {
    const res = await fetch(`${suite.base}/ws/dashboard`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(426);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it.runIf(name === 'postgres')(
    'crosses collector processes on one Postgres through LISTEN/NOTIFY',
    async () => {
      const other = await startCollector(suite.target);
      try {
        const live = await dashboard(other.base);
        await live.until((u) => u.type === 'hello');
        const message = `TypeError: cross${Date.now()} is not a function`;
        await report(suite.base, {
          agent: 'backend',
          service: 'cross',
          events: [event({ message, stack: undefined })],
        });
        await live.until((u) => u.type === 'issue' && u.issue.title === message);
        live.ws.close();
      } finally {
        await other.collector.close();
      }
    },
  );
});
