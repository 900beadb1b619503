import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import { selfheal } from '../src/hono.js';
import { withSelfheal } from '../src/http.js';
import { BackendAgent } from '../src/index.js';
import { adminGet, issueDetail, waitFor } from './support.js';

interface IssueRow {
  fingerprint: string;
  service: string;
  kind: string;
  count: number;
  title: string;
}

async function serviceEvents(base: string, service: string) {
  const { issues } = await adminGet<{ issues: IssueRow[] }>(base, '/api/issues');
  const mine = issues.filter((i) => i.service === service);
  const details = await Promise.all(mine.map((i) => issueDetail(base, i.fingerprint)));
  return details.flatMap((d) => d?.events ?? []);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

describe.each(STORES)('request middleware, collector on $name', (store) => {
  const suite = collectorPerSuite(store.create);
  const agents: BackendAgent[] = [];
  const exits: number[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    for (const server of servers) server.close();
  });

  const agentFor = async (service: string) => {
    const agent = new BackendAgent({
      serviceName: service,
      collectorUrl: suite.base,
      agentKey: await serviceKey(suite.base, service),
      checkInterval: 60,
      builtins: false,
      batchMs: 50,
      commands: false,
      captureProcessErrors: false,
      env: {},
      exit: (code) => {
        exits.push(code);
      },
    }).start();
    agents.push(agent);
    return agent;
  };

  it('Hono: counts requests, reports thrown errors and 5xx with route and status, answers 503 while draining', async () => {
    const service = `shop-hono-${store.name}`;
    const agent = await agentFor(service);
    const app = new Hono();
    app.use(selfheal(agent));
    app.onError((_error, c) => c.text('Internal Server Error', 500));
    app.get('/ok', (c) => c.text('ok'));
    app.get('/orders/:id', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'total')");
    });
    app.get('/busy', (c) => c.text('try later', 503));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/ok`)).status).toBe(200);
    expect((await fetch(`${base}/orders/41`)).status).toBe(500);
    expect((await fetch(`${base}/orders/42`)).status).toBe(500);
    expect((await fetch(`${base}/busy`)).status).toBe(503);
    expect(agent.requests.lastMinute()).toMatchObject({
      requests: 6,
      serverErrors: 3,
      thrown: 2,
      errorRate: 0.5,
    });

    const events = await waitFor('the error events', async () => {
      const list = await serviceEvents(suite.base, service);
      return list.length >= 3 ? list : undefined;
    });
    const thrown = events.filter((e) => e.data?.route === '/orders/:id');
    expect(thrown).toHaveLength(2);
    expect(thrown[0]).toMatchObject({ type: 'error', kind: 'type_error' });
    expect(thrown[0]?.data).toMatchObject({
      status: 500,
      method: 'GET',
      source: 'http',
      name: 'TypeError',
    });
    expect(events.find((e) => e.data?.route === '/busy')?.data).toMatchObject({ status: 503 });

    await agent.restart(0);
    expect(exits).toEqual([75]);
    const refused = await fetch(`${base}/ok`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
  });

  it('plain node http: sync throws and rejections answer 500 and are reported with a normalised route', async () => {
    const service = `shop-http-${store.name}`;
    const agent = await agentFor(service);
    const server = createServer(
      withSelfheal(agent, async (req, res) => {
        if (req.url?.startsWith('/sync/')) throw new RangeError('bad page size');
        if (req.url?.startsWith('/async/')) {
          await new Promise((r) => setTimeout(r, 5));
          throw new Error('inventory unavailable');
        }
        res.end('ok');
      }),
    );
    servers.push(server);
    const base = await listen(server);
    expect((await fetch(`${base}/fine`)).status).toBe(200);
    expect((await fetch(`${base}/sync/7`)).status).toBe(500);
    expect((await fetch(`${base}/async/123`)).status).toBe(500);
    await waitFor('requests counted', () => agent.requests.lastMinute().requests === 3);
    expect(agent.requests.lastMinute()).toMatchObject({ serverErrors: 2, thrown: 2 });

    const events = await waitFor('the error events', async () => {
      const list = await serviceEvents(suite.base, service);
      return list.length >= 2 ? list : undefined;
    });
    expect(events.map((e) => e.data?.route).sort()).toEqual(['/async/<n>', '/sync/<n>']);
    expect(events.find((e) => e.data?.route === '/sync/<n>')?.message).toContain(
      'RangeError: bad page size',
    );
  });
});
