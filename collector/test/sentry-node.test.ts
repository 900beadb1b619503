import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, collectorPerSuite, report, STORES, serviceKey } from './harness.js';

/** A project key that fits a DSN (Sentry's SDKs take only word characters there). */
const DSN_KEY = 'shp_0123456789abcdef0123456789abcdef0123456789abcdef';
const app = fileURLToPath(new URL('./fixtures/sentry-node-app.cjs', import.meta.url));

type Line = {
  error?: { name: string; message: string; stack: string };
  sent?: number | null;
  done?: Array<number | null>;
  failed?: string;
};

/** Runs the fixture service with the real @sentry/node pointed at `dsn`; answers what it printed. */
async function runService(
  dsn: string,
  mode: string,
): Promise<{ code: number | null; lines: Line[] }> {
  const child = spawn(process.execPath, [app, mode], {
    env: { PATH: process.env.PATH ?? '', SENTRY_DSN: dsn },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const lines = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
  if (lines.some((line) => line.failed)) throw new Error(`service failed: ${out}\n${err}`);
  return { code, lines };
}

async function admin<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

type Issue = { fingerprint: string; kind: string; title: string; count: number; service: string };
type StoredEvent = { id: string; data: Record<string, unknown> | null; kind: string };

/** The issues of the default project, once the aggregator has counted every stored event. */
async function issues(base: string): Promise<Issue[]> {
  return (await admin<{ issues: Issue[] }>(base, '/api/issues')).issues;
}

/** What our backend agent sends for a thrown error (its `errorEvent`), through `/api/report`. */
async function reportAsOurAgent(base: string, error: NonNullable<Line['error']>) {
  const res = await report(base, {
    agent: 'backend',
    service: 'orders',
    events: [
      {
        id: `ours-${Date.now()}-${Math.random()}`,
        type: 'error',
        timestamp: Date.now(),
        message: `${error.name}: ${error.message}`,
        stack: error.stack,
        data: { name: error.name, source: 'uncaughtException' },
      },
    ],
  });
  expect(res.status).toBe(202);
}

describe.each(STORES)('@sentry/node pointed at the collector ($name)', (store) => {
  const suite = collectorPerSuite(store.create, { projectKey: DSN_KEY, aggregateDelayMs: 20 });
  let dsn: string;

  beforeAll(async () => {
    const status = await admin<{ sentry: { dsn: string | null } }>(suite.base, '/api/status');
    dsn = status.sentry.dsn ?? '';
  });

  it('shows a DSN made of the public project key and the project number', () => {
    const { port } = new URL(suite.base);
    expect(dsn).toBe(`http://${DSN_KEY}@127.0.0.1:${port}/1`);
  });

  it('groups an uncaught exception with what our backend agent sends for the same error', async () => {
    const { code, lines } = await runService(dsn, 'exception');
    expect(code).toBe(1);
    expect(lines.find((l) => 'sent' in l)?.sent).toBe(200);
    const error = lines.find((l) => l.error)?.error;
    if (!error) throw new Error('the service printed no error');
    await reportAsOurAgent(suite.base, error);
    await suite.collector.decisions.idle();
    const found = (await issues(suite.base)).filter((i) => i.title.includes("reading 'total'"));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'type_error', count: 2 });
    const detail = await admin<{ events: StoredEvent[] }>(
      suite.base,
      `/api/issues/${found[0]?.fingerprint}`,
    );
    const sentry = detail.events.find((e) => e.data?.sentry);
    expect(sentry?.data?.sentry).toMatchObject({
      platform: 'node',
      level: 'fatal',
      release: 'orders@1.4.2',
      environment: 'test',
      serverName: 'orders-1',
      mechanism: 'auto.node.onuncaughtexception',
      handled: false,
    });
    expect(sentry?.data?.name).toBe('TypeError');
  });

  it('keeps a message with its level', async () => {
    const { lines } = await runService(dsn, 'message');
    expect(lines.find((l) => l.done)?.done).toEqual([200]);
    await suite.collector.decisions.idle();
    const found = (await issues(suite.base)).find(
      (i) => i.title === 'Payment provider answered slowly',
    );
    expect(found).toMatchObject({ count: 1, service: 'orders-1' });
    const detail = await admin<{ events: StoredEvent[] }>(
      suite.base,
      `/api/issues/${found?.fingerprint}`,
    );
    expect(detail.events[0]?.data?.sentry).toMatchObject({ level: 'warning', platform: 'node' });
  });

  it('groups an unhandled rejection with what our agent sends for it', async () => {
    const { lines } = await runService(dsn, 'rejection');
    expect(lines.find((l) => l.done)?.done).toEqual([200]);
    const error = lines.find((l) => l.error)?.error;
    if (!error) throw new Error('the service printed no error');
    await reportAsOurAgent(suite.base, error);
    await suite.collector.decisions.idle();
    const found = (await issues(suite.base)).filter((i) =>
      i.title.includes('Invalid array length'),
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.count).toBe(2);
  });

  it('counts an event sent twice with the same event_id once', async () => {
    const { lines } = await runService(dsn, 'resend');
    expect(lines.find((l) => l.done)?.done).toEqual([200]);
    await suite.collector.decisions.idle();
    const detail = await admin<{ events: StoredEvent[]; issue: Issue }>(
      suite.base,
      `/api/issues/${(await issues(suite.base)).find((i) => i.title.includes("reading 'total'"))?.fingerprint}`,
    );
    const resent = detail.events.filter((e) => e.id === '0123456789abcdef0123456789abcdef');
    expect(resent).toHaveLength(1);
    // The uncaught one, ours, and the resent one once.
    expect(detail.issue.count).toBe(3);
  });

  it('speaks for the service whose key is in the DSN', async () => {
    const key = await serviceKey(suite.base, 'orders');
    const serviceDsn = dsn.replace(DSN_KEY, key);
    const { lines } = await runService(serviceDsn, 'message');
    expect(lines.find((l) => l.done)?.done).toEqual([200]);
    const agents = await admin<{ agents: Array<{ id: string; agent: string; service: string }> }>(
      suite.base,
      '/api/agents',
    );
    expect(agents.agents).toContainEqual(
      expect.objectContaining({
        agent: 'backend',
        service: 'orders',
        id: expect.stringMatching(/^sentry:/),
      }),
    );
  });
});

describe.each(STORES)('@sentry/node against a rate-limited project ($name)', (store) => {
  const suite = collectorPerSuite(store.create, {
    projectKey: DSN_KEY,
    rateLimitPerSecond: 0.01,
    rateLimitBurst: 2,
  });

  it('makes the SDK back off: after a 429 it sends nothing more', async () => {
    const status = await admin<{ sentry: { dsn: string } }>(suite.base, '/api/status');
    const { lines } = await runService(status.sentry.dsn, 'burst');
    // The fourth event is dropped by the SDK's own transport, which read X-Sentry-Rate-Limits.
    expect(lines.find((l) => l.done)?.done).toEqual([200, 200, 429, null]);
    const metrics = await fetch(`${suite.base}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    }).then((res) => res.text());
    expect(metrics).toMatch(/selfheal_reports_refused_total\{reason="rate_limited"\} 1\n/);
    expect(metrics).toMatch(/selfheal_sentry_items_total\{type="event",outcome="stored"\} 2\n/);
  });
});
