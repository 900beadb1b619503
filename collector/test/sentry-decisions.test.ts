import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decisions, sendBackend } from './decide-helpers.js';
import { ADMIN, collectorPerSuite, report, STORES, serviceKey } from './harness.js';

const DSN_KEY = 'shp_4423456789abcdef0123456789abcdef0123456789abcdef';

type Decision = {
  status: string;
  target: string;
  strategy: string;
  notes: string[];
  service: string | null;
};

/** A stale chunk after a deploy, as @sentry/browser sends the unhandled rejection. */
function staleChunkEvent(chunk: string) {
  return {
    event_id: randomUUID().replaceAll('-', ''),
    timestamp: Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: `Failed to fetch dynamically imported module: ${chunk}`,
          mechanism: { type: 'auto.browser.global_handlers.onunhandledrejection', handled: false },
        },
      ],
    },
    request: { url: 'https://shop.example/cart' },
  };
}

/** A database refusing connections, as @sentry/node sends it. */
function databaseDownEvent(serverName: string) {
  return {
    event_id: randomUUID().replaceAll('-', ''),
    timestamp: Date.now() / 1000,
    platform: 'node',
    level: 'error',
    server_name: serverName,
    exception: {
      values: [
        {
          type: 'Error',
          value: `connect ECONNREFUSED 127.0.0.1:5432 (${serverName})`,
          mechanism: { type: 'generic', handled: true },
          stacktrace: {
            frames: [{ filename: '/srv/app/db.js', function: 'connect', lineno: 12, colno: 3 }],
          },
        },
      ],
    },
  };
}

describe.each(STORES)('decisions for faults from Sentry SDKs ($name)', (store) => {
  const suite = collectorPerSuite(store.create, {
    projectKey: DSN_KEY,
    aggregateDelayMs: 20,
    ...decisions({ llmMaxCallsPerHour: 0, persistentThreshold: 1 }),
  });

  const send = async (event: unknown, key = DSN_KEY) => {
    const payload = JSON.stringify(event);
    const body = `{}\n${JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) })}\n${payload}\n`;
    const res = await fetch(`${suite.base}/api/1/envelope/?sentry_key=${key}`, {
      method: 'POST',
      body,
    });
    expect(res.status).toBe(200);
  };

  const admin = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${suite.base}${path}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  /** The decisions of the issue whose title contains `text`. */
  const decisionsFor = async (text: string): Promise<Decision[]> => {
    await suite.collector.decisions.idle();
    const { issues } = await admin<{ issues: Array<{ title: string; fingerprint: string }> }>(
      '/api/issues',
    );
    const issue = issues.find((i) => i.title.includes(text));
    if (!issue) throw new Error(`no issue with ${text}`);
    return (
      await admin<{ decisions: Decision[] }>(`/api/decisions?fingerprint=${issue.fingerprint}`)
    ).decisions;
  };

  it('escalates a page fix with what to do when only a Sentry SDK saw the fault', async () => {
    await send(staleChunkEvent('https://shop.example/assets/only-sentry.js'));
    const [decision] = await decisionsFor('only-sentry.js');
    expect(decision).toMatchObject({ target: 'page', strategy: 'reload_page', status: 'recorded' });
    expect(decision?.notes.at(-1)).toMatch(
      /^no selfheal agent runs on the page .*Sentry SDK.*Reload/,
    );
    const status = await admin<{ escalations: Array<{ decisionId: string }> }>('/api/status');
    expect(status.escalations?.length).toBeGreaterThan(0);
  });

  it('leaves the page fix to our page agent when it reports the same fault', async () => {
    const chunk = 'https://shop.example/assets/both.js';
    const ours = await report(
      suite.base,
      {
        agent: 'frontend',
        sessionId: 'page-1',
        events: [
          {
            id: `ours-${randomUUID()}`,
            type: 'error',
            timestamp: Date.now(),
            message: `TypeError: Failed to fetch dynamically imported module: ${chunk}`,
            data: { name: 'TypeError', source: 'unhandledrejection' },
          },
        ],
      },
      { authorization: `Bearer ${DSN_KEY}` },
    );
    expect(ours.status).toBe(202);
    await send(staleChunkEvent(chunk));
    const [decision] = await decisionsFor('both.js');
    expect(decision).toMatchObject({ target: 'page', strategy: 'reload_page' });
    // Waiting for a person's approval (or sent), to be carried out by the page agent.
    expect(['pending', 'dispatched']).toContain(decision?.status);
    expect(decision?.notes.join('\n')).not.toMatch(/no selfheal agent/);
  });

  it('never lets a project key aim a Sentry event from a server at a service', async () => {
    await send(databaseDownEvent('orders-1'));
    const [decision] = await decisionsFor('(orders-1)');
    expect(decision?.target).not.toBe('service');
    const { issues } = await admin<{ issues: Array<{ title: string; service: string | null }> }>(
      '/api/issues',
    );
    expect(issues.find((i) => i.title.includes('(orders-1)'))?.service).toBe('orders-1');
  });

  it('escalates a service fix when the service runs only a Sentry SDK (with its service key)', async () => {
    await send(databaseDownEvent('orders-2'), await serviceKey(suite.base, 'orders'));
    const [decision] = await decisionsFor('(orders-2)');
    expect(decision).toMatchObject({ target: 'service', service: 'orders', status: 'recorded' });
    expect(decision?.notes.at(-1)).toMatch(/^no selfheal agent runs on the service/);
  });

  it('sends the service fix to our backend agent when it runs beside the Sentry SDK', async () => {
    const key = await serviceKey(suite.base, 'billing');
    // Our backend agent for billing is online: its health check passes.
    await sendBackend(
      suite.base,
      'billing',
      [
        {
          id: `hc-${randomUUID()}`,
          type: 'health_check',
          timestamp: Date.now(),
          data: { check: 'api', status: 'pass' },
        },
      ],
      key,
    );
    await suite.collector.decisions.idle();
    await send(databaseDownEvent('billing-1'), key);
    const [decision] = await decisionsFor('(billing-1)');
    expect(decision).toMatchObject({ target: 'service', service: 'billing', status: 'dispatched' });
    const polled = await fetch(`${suite.base}/api/commands?service=billing&agent=a1&wait=0`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const { commands } = (await polled.json()) as { commands: Array<{ strategy: string }> };
    expect(commands.map((c) => c.strategy)).toContain(decision?.strategy);
  });
});
