import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answer } from '../src/decide/fixtures.js';
import { createOpenAiModel } from '../src/decide/openai.js';
import {
  ack,
  adminPost,
  decisions,
  decisionsFor,
  eventually,
  fixOutcome,
  healthFault,
  poll,
  sendBackend,
  settle,
  testClock,
} from './decide-helpers.js';
import { type FakeOpenAi, startFakeOpenAi } from './fake-openai.js';
import { adminGet, collectorPerSuite, metric, report, STORES, startCollector } from './harness.js';

let openai: FakeOpenAi;
beforeAll(async () => {
  openai = await startFakeOpenAi({ content: answer() });
});
afterAll(async () => {
  await openai.close();
});
beforeEach(() => {
  openai.setScenario({ content: answer() });
});

const model = () =>
  createOpenAiModel({
    apiKey: 'sk-test',
    baseURL: openai.baseURL,
    model: 'gpt-4o',
    timeoutMs: 5_000,
    maxRetries: 0,
  });

/** A critical page error with a fixed fingerprint. */
function pageFault(fingerprint: string, kind = 'network_error') {
  return {
    id: `pe-${randomUUID()}`,
    type: 'error',
    kind,
    severity: 'critical',
    fingerprint,
    message: 'TypeError: Failed to fetch',
    url: 'https://shop.example/cart',
    timestamp: Date.now(),
  };
}

const sendPage = (base: string, events: unknown[]) =>
  report(base, { agent: 'frontend', sessionId: `s-${randomUUID()}`, events });

describe.each(STORES)('the decision loop on $name', ({ name, create }) => {
  const clock = testClock();
  const suite = collectorPerSuite(create, decisions(), () => ({ clock, model: model() }));

  it('asks the model at most once for 1,000 identical errors sent at once', async () => {
    const before = openai.requests.length;
    const fingerprint = `fp-burst-${name}`;
    // 100 reports of 10 errors at once: 1,000 identical errors arriving together.
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        sendPage(
          suite.base,
          Array.from({ length: 10 }, () => pageFault(fingerprint)),
        ),
      ),
    );
    expect(answers.every((res) => res.status === 202)).toBe(true);
    await settle(suite.collector);
    expect(openai.requests.length - before).toBeLessThanOrEqual(1);
    const list = await decisionsFor(suite.base, fingerprint);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      source: 'llm',
      strategy: 'retry_request',
      status: 'dispatched',
    });
    const status = await adminGet(suite.base, '/api/status');
    expect(status.llm.calls).toBeGreaterThanOrEqual(1);
    expect(status.llm.promptTokens).toBeGreaterThan(0);
  });

  it('tells nobody of a page fault healed in the session that met it, and decides once another meets it unhealed', async () => {
    const fingerprint = `fp-healed-${name}`;
    const healedBefore = await metric(suite.base, 'selfheal_decisions_unneeded_total');
    // The agent's retry got its answer: the fault and its fix come in one report.
    const retry = { strategy: 'retry_request', fingerprint, success: true, local: true };
    const healed = [pageFault(fingerprint), fixOutcome(retry)];
    expect((await sendPage(suite.base, healed)).status).toBe(202);
    await settle(suite.collector);
    expect(await decisionsFor(suite.base, fingerprint)).toEqual([]);
    expect(await metric(suite.base, 'selfheal_decisions_unneeded_total')).toBe(healedBefore + 1);
    // Another visitor meets it with no fix that worked: one session's word does not cover it.
    expect((await sendPage(suite.base, [pageFault(fingerprint)])).status).toBe(202);
    await settle(suite.collector);
    expect(await decisionsFor(suite.base, fingerprint)).toHaveLength(1);
  });

  it('hands page commands back in the report answer, and decides from knowledge once it has enough', async () => {
    const fingerprint = `fp-learn-${name}`;
    const first = openai.requests.length;
    let last: { source: string } | undefined;
    let before = 0;
    for (let cycle = 0; cycle < 6; cycle++) {
      before = openai.requests.length;
      expect((await sendPage(suite.base, [pageFault(fingerprint)])).status).toBe(202);
      await settle(suite.collector);
      const [decision] = await decisionsFor(suite.base, fingerprint);
      last = decision;
      if (decision.source === 'knowledge') break;
      expect(decision).toMatchObject({ status: 'dispatched', strategy: 'retry_request' });
      // The page that reports the fault again is handed the command in the 202.
      const again = await sendPage(suite.base, [pageFault(fingerprint)]);
      const body = (await again.json()) as { commands?: Array<{ id: string; strategy: string }> };
      expect(body.commands?.map((c) => c.strategy)).toEqual(['retry_request']);
      const commandId = body.commands?.[0]?.id as string;
      await sendPage(suite.base, [
        fixOutcome({ strategy: 'retry_request', fingerprint, success: true, commandId }),
      ]);
      clock.advance(61_000);
      await settle(suite.collector);
      expect((await decisionsFor(suite.base, fingerprint))[0].status).toBe('succeeded');
      // Past the model guard's cache, so a model call now would really be made.
      clock.advance(16 * 60_000);
    }
    expect(last?.source).toBe('knowledge');
    // The model was asked while knowledge was thin, and not for the knowledge decision.
    expect(before - first).toBeGreaterThanOrEqual(1);
    expect(openai.requests.length).toBe(before);
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fingerprint}`);
    expect(knowledge[0]).toMatchObject({ strategy: 'retry_request', failures: 0 });
    expect(knowledge[0].successes).toBeGreaterThanOrEqual(2);
  });

  it('counts a reported success as a failure when the fingerprint comes back within the window', async () => {
    openai.setScenario({ status: 500 });
    const fault = healthFault('db_down', `orders-db-${name}`);
    await sendBackend(suite.base, 'orders', [fault]);
    await settle(suite.collector);
    const { body } = await poll(suite.base, 'orders', 5);
    const command = body.commands[0];
    expect(command.strategy).toBe('reconnect_database');
    await ack(suite.base, 'orders', command.id);
    await sendBackend(suite.base, 'orders', [
      fixOutcome({
        strategy: command.strategy,
        fingerprint: fault.fingerprint,
        success: true,
        commandId: command.id,
      }),
    ]);
    await new Promise((r) => setTimeout(r, 20));
    await sendBackend(suite.base, 'orders', [{ ...healthFault('db_down', `orders-db-${name}`) }]);
    clock.advance(61_000);
    await settle(suite.collector);
    const list = await decisionsFor(suite.base, fault.fingerprint);
    expect(list.map((d) => d.status)).toContain('failed');
    // A failed fix opens a new decision for the fingerprint.
    expect(list[0].status).not.toBe('failed');
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fault.fingerprint}`);
    const row = knowledge.find((k: { strategy: string }) => k.strategy === 'reconnect_database');
    expect(row).toMatchObject({ failures: 1, successes: 0, lastOutcome: 'failure' });
  });

  it('counts a passing health check under the fixed fingerprint as the fault staying away', async () => {
    openai.setScenario({ status: 500 });
    const fault = healthFault('cache_down', `orders-cache-${name}`);
    await sendBackend(suite.base, 'orders', [fault]);
    await settle(suite.collector);
    const { body } = await poll(suite.base, 'orders', 5);
    const command = body.commands.find(
      (c: { fingerprint: string }) => c.fingerprint === fault.fingerprint,
    );
    expect(command.strategy).toBe('reconnect_cache');
    await ack(suite.base, 'orders', command.id);
    await sendBackend(suite.base, 'orders', [
      fixOutcome({
        strategy: command.strategy,
        fingerprint: fault.fingerprint,
        success: true,
        commandId: command.id,
      }),
    ]);
    await new Promise((r) => setTimeout(r, 20));
    // The agent's heartbeat after recovery: same check, same fingerprint, status pass.
    await sendBackend(suite.base, 'orders', [
      {
        ...healthFault('cache_down', `orders-cache-${name}`),
        severity: 'low',
        message: 'cache check passing',
        data: { check: `orders-cache-${name}`, status: 'pass' },
      },
    ]);
    clock.advance(61_000);
    await settle(suite.collector);
    const list = await decisionsFor(suite.base, fault.fingerprint);
    expect(list.map((d) => d.status)).toContain('succeeded');
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fault.fingerprint}`);
    const row = knowledge.find((k: { strategy: string }) => k.strategy === 'reconnect_cache');
    expect(row).toMatchObject({ failures: 0, successes: 1, lastOutcome: 'success' });
  });

  it('supersedes a command its agent answers without running, its own fix having healed the fault', async () => {
    openai.setScenario({ status: 500 });
    const fault = healthFault('high_memory', `orders-heap-${name}`);
    await sendBackend(suite.base, 'orders', [fault]);
    await settle(suite.collector);
    const { body } = await poll(suite.base, 'orders', 5);
    const command = body.commands.find(
      (c: { fingerprint: string }) => c.fingerprint === fault.fingerprint,
    );
    expect(command.strategy).toBe('garbage_collection');
    await ack(suite.base, 'orders', command.id);
    // The service had restarted itself meanwhile; the fresh process ran nothing.
    await sendBackend(suite.base, 'orders', [
      fixOutcome({
        strategy: command.strategy,
        fingerprint: fault.fingerprint,
        success: true,
        commandId: command.id,
        alreadyFixedBy: 'restart_service',
      }),
    ]);
    clock.advance(61_000);
    await settle(suite.collector);
    const [decision] = await decisionsFor(suite.base, fault.fingerprint);
    expect(decision.status).toBe('superseded');
    expect(decision.notes.join(' ')).toContain('had already fixed it with restart_service');
    const { fixes } = await adminGet(suite.base, '/api/fixes?limit=500');
    expect(
      fixes.filter((f: { fingerprint: string }) => f.fingerprint === fault.fingerprint),
    ).toEqual([]);
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fault.fingerprint}`);
    expect(
      knowledge.filter((k: { strategy: string }) => k.strategy === 'garbage_collection'),
    ).toEqual([]);
  });

  it('blocks a strategy for an hour after three failures in a row, local fixes included', async () => {
    const fingerprint = `fp-db-${name}-${randomUUID()}`;
    // The service reported the fault (too mildly to be decided on), then fixed it locally.
    await sendBackend(suite.base, 'wallet', [
      {
        id: randomUUID(),
        type: 'error',
        message: 'pool lost',
        fingerprint,
        severity: 'low',
        timestamp: Date.now(),
      },
    ]);
    for (let i = 0; i < 3; i++) {
      await sendBackend(suite.base, 'wallet', [
        fixOutcome({ strategy: 'reconnect_database', fingerprint, success: false, local: true }),
      ]);
    }
    await settle(suite.collector);
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fingerprint}`);
    expect(knowledge[0]).toMatchObject({ strategy: 'reconnect_database', consecutiveFailures: 3 });
    const blockedFor = new Date(knowledge[0].blockedUntil).getTime() - clock.now();
    expect(blockedFor).toBeGreaterThan(59 * 60_000);
    expect(blockedFor).toBeLessThanOrEqual(60 * 60_000);

    openai.setScenario({ status: 500 });
    await sendBackend(suite.base, 'wallet', [
      { ...healthFault('db_down', 'wallet-db'), fingerprint },
    ]);
    await settle(suite.collector);
    const [decision] = await decisionsFor(suite.base, fingerprint);
    expect(decision.strategy).not.toBe('reconnect_database');
    expect(decision.autoApplied).toBe(false);
  });

  it('backs restarts off from 10 s, doubling, and cools a strategy down after a success', async () => {
    const fingerprint = `fp-mem-${randomUUID()}`;
    const cooldown = async (strategy: string) => {
      await settle(suite.collector);
      const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fingerprint}`);
      const row = knowledge.find((k: { strategy: string }) => k.strategy === strategy);
      return new Date(row.cooldownUntil).getTime() - new Date(row.lastOutcomeAt).getTime();
    };
    // A service teaches only about faults it reported itself.
    await sendBackend(suite.base, 'api', [
      {
        id: randomUUID(),
        type: 'error',
        message: 'heap grows',
        fingerprint,
        severity: 'low',
        timestamp: Date.now(),
      },
    ]);
    const restart = () =>
      sendBackend(suite.base, 'api', [
        fixOutcome({ strategy: 'restart_service', fingerprint, success: false, local: true }),
      ]);
    await restart();
    expect(await cooldown('restart_service')).toBe(10_000);
    await restart();
    expect(await cooldown('restart_service')).toBe(20_000);

    await sendBackend(suite.base, 'api', [
      fixOutcome({ strategy: 'garbage_collection', fingerprint, success: true, local: true }),
    ]);
    await settle(suite.collector);
    clock.advance(61_000);
    expect(await cooldown('garbage_collection')).toBe(60_000);
  });

  it('rolls a fix back when the error rate after it rises above the rate before', async () => {
    const fingerprint = `fp-load-${name}`;
    openai.setScenario({
      content: answer({
        strategy: 'scale_out',
        target: 'service',
        params: {
          baseDelayMs: null,
          cacheName: null,
          graceMs: null,
          maxAttempts: null,
          name: null,
          replicas: 2,
          src: null,
        },
        confidence: 1,
      }),
    });
    const fault = { ...healthFault('high_cpu', 'cpu'), fingerprint };
    await sendBackend(suite.base, 'catalog', [fault]);
    await settle(suite.collector);
    const [pending] = await decisionsFor(suite.base, fingerprint);
    // A moderate strategy with no record is not applied on the model's word alone.
    expect(pending).toMatchObject({ strategy: 'scale_out', status: 'pending', autoApplied: false });
    expect(pending.confidence).toBeLessThan(0.8);
    expect((await adminPost(suite.base, `/api/decisions/${pending.id}/approve`)).status).toBe(200);
    const { body } = await poll(suite.base, 'catalog', 5);
    const command = body.commands[0];
    expect(command).toMatchObject({ strategy: 'scale_out', params: { replicas: 2 } });
    await ack(suite.base, 'catalog', command.id);
    await sendBackend(suite.base, 'catalog', [
      fixOutcome({ strategy: 'scale_out', fingerprint, success: true, commandId: command.id }),
    ]);
    await new Promise((r) => setTimeout(r, 20));
    // Things get worse after the fix: many new faults in the same service.
    await sendBackend(
      suite.base,
      'catalog',
      Array.from({ length: 20 }, (_, i) => ({
        id: `worse-${randomUUID()}`,
        type: 'error',
        message: `TypeError: x${i} is not a function`,
        timestamp: Date.now(),
      })),
    );
    clock.advance(61_000);
    await settle(suite.collector);
    const list = await decisionsFor(suite.base, fingerprint);
    expect(list.find((d) => d.id === pending.id).status).toBe('rolled_back');
    // The strategy is held off: the next decision for the fingerprint picks another.
    expect(list[0].strategy).not.toBe('scale_out');
    const rollback = await eventually(async () => {
      const polled = await poll(suite.base, 'catalog', 1);
      return polled.body.commands.find((c: { rollback?: boolean }) => c.rollback);
    });
    expect(rollback).toMatchObject({ strategy: 'scale_out', rollback: true, fingerprint });
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fingerprint}`);
    const row = knowledge.find((k: { strategy: string }) => k.strategy === 'scale_out');
    expect(row).toMatchObject({ failures: 1, lastOutcome: 'failure' });
    expect(new Date(row.blockedUntil).getTime()).toBeGreaterThan(clock.now() + 59 * 60_000);
  });

  it.runIf(name === 'postgres')(
    'asks the model at most once when two collectors on one store get the same errors',
    async () => {
      const other = await startCollector(suite.target, decisions(), { clock, model: model() });
      try {
        const before = openai.requests.length;
        const fingerprint = `fp-two-${randomUUID()}`;
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            sendPage(
              i % 2 ? suite.base : other.base,
              Array.from({ length: 10 }, () => pageFault(fingerprint)),
            ),
          ),
        );
        expect(answers.every((res) => res.status === 202)).toBe(true);
        await settle(suite.collector);
        await settle(other.collector);
        expect(openai.requests.length - before).toBeLessThanOrEqual(1);
        expect(await decisionsFor(suite.base, fingerprint)).toHaveLength(1);
      } finally {
        await other.collector.close();
      }
    },
  );
});
