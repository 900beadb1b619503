import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import {
  BackendAgent,
  type BackendAgentOptions,
  type Check,
  type CheckResult,
  memoryCheck,
} from '../src/index.js';
import { issueDetail, storedOutcome, waitFor } from './support.js';

function switchCheck(name: string, kind: Check['kind']): Check & { result: CheckResult } {
  return {
    name,
    kind,
    result: { status: 'pass' },
    run() {
      return this.result;
    },
  };
}

describe.each(STORES)('fixes the library runs itself, collector on $name', (store) => {
  const suite = collectorPerSuite(store.create);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'selfheal-lib-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = async (service: string): Promise<BackendAgentOptions> => ({
    serviceName: service,
    collectorUrl: suite.base,
    agentKey: await serviceKey(suite.base, service),
    checkInterval: 0.1,
    builtins: false,
    batchMs: 50,
    commands: false,
    captureProcessErrors: false,
    stateFile: join(dir, `${service}.state.json`),
    env: {},
  });

  it('restart_service drains and exits; the next process verifies the restart and reports it, under backoff', async () => {
    const service = `api-${store.name}`;
    const api = switchCheck('api', 'api_down');
    api.result = { status: 'fail', message: 'wedged' };
    const exits: number[] = [];
    const before = new BackendAgent({
      ...(await base(service)),
      checks: [api],
      fixes: { restart_service: { graceMs: 100, exitCode: 70 } },
      exit: (code) => exits.push(code),
    }).start();
    await waitFor('the restart', () => exits.length === 1);
    expect(exits).toEqual([70]);
    expect(before.draining).toBe(true);
    const fingerprint = before.status().checks[0]?.fingerprint as string;

    // The supervisor starts the service again; this time the check passes.
    const fresh = switchCheck('api', 'api_down');
    const after = new BackendAgent({
      ...(await base(service)),
      checks: [fresh],
      fixes: { restart_service: true },
      exit: (code) => exits.push(code),
    }).start();
    try {
      const outcome = await storedOutcome(
        suite.base,
        fingerprint,
        (d) => d.strategy === 'restart_service',
      );
      expect(outcome.data).toMatchObject({
        success: true,
        verifiedBy: 'api',
        local: true,
        kind: 'api_down',
      });
      // Failing again at once: the backoff (10 s after the first restart) holds the next one.
      fresh.result = { status: 'fail', message: 'wedged again' };
      await waitFor('the fault to be seen', () => after.status().checks[0]?.failing);
      await new Promise((r) => setTimeout(r, 500));
      expect(exits).toEqual([70]);
    } finally {
      await after.stop();
    }
  });

  it('scale_out runs on sustained load, is verified, and waits out its cooldown before running again', async () => {
    const service = `search-${store.name}`;
    const load = switchCheck('load', 'high_cpu');
    const calls: unknown[] = [];
    const scaler: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push(JSON.parse(body));
        load.result = { status: 'pass' }; // the new replica takes the load
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => scaler.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(scaler.address() as AddressInfo).port}/scale`;
    const agent = new BackendAgent({
      ...(await base(service)),
      checks: [load],
      fixes: { scale_out: { url } },
    }).start();
    try {
      await waitFor('a passing round', () => agent.status().checks[0]?.status === 'pass');
      load.result = { status: 'fail', value: 0.97, message: '97% of a core' };
      const outcome = await storedOutcome(
        suite.base,
        agent.status().checks[0]?.fingerprint as string,
        (d) => d.strategy === 'scale_out',
      );
      expect(outcome.data).toMatchObject({ success: true, verifiedBy: 'load', kind: 'high_cpu' });
      expect(calls).toEqual([expect.objectContaining({ service, replicas: 1, kind: 'high_cpu' })]);

      load.result = { status: 'fail', value: 0.99 };
      await waitFor('the fault again', () => agent.status().checks[0]?.failing);
      await new Promise((r) => setTimeout(r, 600));
      expect(calls).toHaveLength(1);
    } finally {
      await agent.stop();
      scaler.close();
    }
  });

  it('a rising heap warns before the limit (predictive) and garbage collection reports itself unavailable without --expose-gc', async () => {
    const service = `reports-${store.name}`;
    let heap = 100e6;
    const memory = memoryCheck({
      samples: 5,
      horizonMs: 60_000,
      read: () => {
        heap += 20e6;
        return { heapUsed: heap, rss: heap * 1.5, heapLimit: 2e9 };
      },
    });
    const agent = new BackendAgent({
      ...(await base(service)),
      failureThreshold: 1,
      checks: [memory],
      verifyTimeoutMs: 100,
    }).start();
    try {
      await waitFor('a warning', () => agent.status().checks[0]?.status === 'warn');
      expect(agent.status().checks[0]?.message).toMatch(/reaches .* in \d+ s/);
      const outcome = await storedOutcome(
        suite.base,
        agent.status().checks[0]?.fingerprint as string,
        (d) => d.strategy === 'garbage_collection',
      );
      expect(outcome.data).toMatchObject({ success: false, kind: 'high_memory', local: true });
      expect(String(outcome.data?.detail)).toContain('unavailable: global.gc is not exposed');
      // It is not tried again on every later round: it cannot run in this process.
      const fingerprint = agent.status().checks[0]?.fingerprint as string;
      await new Promise((r) => setTimeout(r, 1_500));
      const detail = await issueDetail(suite.base, fingerprint);
      const attempts = detail?.events.filter(
        (e) => e.type === 'fix_attempt' && e.data?.strategy === 'garbage_collection',
      );
      expect(attempts).toHaveLength(1);
    } finally {
      await agent.stop();
    }
  });

  it('sustained request load from the middleware runs the scale-out command', async () => {
    const service = `feed-${store.name}`;
    const marker = join(dir, `${service}.scaled`);
    const agent = new BackendAgent({
      ...(await base(service)),
      builtins: {
        memory: false,
        cpu: false,
        eventLoop: false,
        errorRate: false,
        requestLoad: { maxRequestsPerSecond: 0.1 },
      },
      verifyTimeoutMs: 100,
      fixes: {
        scale_out: { command: `printf '%s %s' "$SELFHEAL_KIND" "$SELFHEAL_PARAMS" > '${marker}'` },
      },
    }).start();
    try {
      for (let i = 0; i < 30; i++)
        agent.recordRequest({ method: 'GET', route: '/feed', status: 200, durationMs: 3 });
      const outcome = await storedOutcome(
        suite.base,
        agent.status().checks[0]?.fingerprint as string,
        (d) => d.strategy === 'scale_out',
      );
      expect(existsSync(marker)).toBe(true);
      expect(readFileSync(marker, 'utf8')).toBe('high_cpu {"replicas":1}');
      // The load is still there (nothing took it away in this test): the outcome says so.
      expect(outcome.data).toMatchObject({
        success: false,
        verifiedBy: 'request_load',
        kind: 'high_cpu',
      });
    } finally {
      await agent.stop();
    }
  });
});
