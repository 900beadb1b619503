import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import { BackendAgent, type Check, type CheckResult } from '../src/index.js';
import { type OutageProxy, startProxy } from './proxy.js';
import { issueDetail, waitFor } from './support.js';

/** A check whose result the test sets. */
function switchCheck(): Check & { result: CheckResult } {
  return {
    name: 'api',
    kind: 'api_down',
    result: { status: 'pass' },
    run() {
      return this.result;
    },
  };
}

describe.each(STORES)('collector outage, collector on $name', (store) => {
  const suite = collectorPerSuite(store.create);
  let proxy: OutageProxy;
  let dir: string;
  beforeAll(async () => {
    proxy = await startProxy(suite.base);
    dir = mkdtempSync(join(tmpdir(), 'selfheal-agent-'));
  });
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const agentOptions = async (service: string) => ({
    serviceName: service,
    collectorUrl: proxy.base,
    agentKey: await serviceKey(suite.base, service),
    checkInterval: 0.1,
    builtins: false as const,
    failureThreshold: 1,
    // One fault event for the failing check, so its issue count is exact.
    repeatFaultMs: 600_000,
    batchMs: 50,
    commands: false,
    env: {},
  });

  it('keeps events through the outage and resends them with the same ids, nothing counted twice', async () => {
    const service = `billing-${store.name}`;
    const check = switchCheck();
    const agent = new BackendAgent({ ...(await agentOptions(service)), checks: [check] }).start();
    try {
      // First the collector stores a batch but its answer is lost: the agent must resend it.
      proxy.mode = 'lose-answer';
      for (let i = 0; i < 5; i++)
        agent.captureError(new Error('ledger write failed'), { step: 'before' });
      await waitFor('a lost answer', () => proxy.lost > 0);
      // Then the collector is unreachable.
      proxy.mode = 'down';
      for (let i = 0; i < 7; i++)
        agent.captureError(new Error('ledger write failed'), { step: 'during' });
      check.result = { status: 'fail', message: 'upstream refused' };
      await waitFor('the check to fail', () => agent.status().checks[0]?.failing);
      await waitFor('failed sends', () => agent.counters.sendFailures >= 2);
      expect(agent.status().pendingEvents).toBeGreaterThanOrEqual(13);

      proxy.mode = 'pass';
      await waitFor('the buffer to drain', () => agent.status().pendingEvents === 0, 40_000);
      expect(agent.counters.eventsDuplicate).toBeGreaterThanOrEqual(5);

      const issues = (await fetch(`${suite.base}/api/issues`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      }).then((r) => r.json())) as {
        issues: Array<{ fingerprint: string; service: string; count: number; kind: string }>;
      };
      const errors = issues.issues.filter((i) => i.service === service && i.kind !== 'api_down');
      expect(errors.reduce((sum, i) => sum + i.count, 0)).toBe(12);
      const health = await issueDetail(suite.base, agent.status().checks[0]?.fingerprint as string);
      expect(health?.issue.count).toBe(1);
    } finally {
      await agent.stop();
    }
  });

  it('keeps what it could not send in its buffer file across a restart of the service', async () => {
    const service = `mailer-${store.name}`;
    const bufferFile = join(dir, `${service}.json`);
    proxy.mode = 'down';
    const first = new BackendAgent({
      ...(await agentOptions(service)),
      bufferFile,
      maxBufferedEvents: 10,
    }).start();
    for (let i = 0; i < 25; i++) first.captureError(new Error('smtp timeout'), { n: i });
    await waitFor('a failed send', () => first.counters.sendFailures > 0);
    await first.stop(200);
    expect(first.counters.dropped.buffer_full).toBe(15);

    proxy.mode = 'pass';
    const second = new BackendAgent({ ...(await agentOptions(service)), bufferFile }).start();
    try {
      await waitFor(
        'the spooled events to be sent',
        () => second.counters.eventsSent === 10,
        40_000,
      );
      const issues = (await fetch(`${suite.base}/api/issues`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      }).then((r) => r.json())) as {
        issues: Array<{ service: string; count: number }>;
      };
      expect(issues.issues.find((i) => i.service === service)?.count).toBe(10);
    } finally {
      await second.stop();
    }
  });
});
