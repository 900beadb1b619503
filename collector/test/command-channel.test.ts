import { describe, expect, it } from 'vitest';
import {
  ack,
  adminPost,
  decisions,
  eventually,
  fixOutcome,
  healthFault,
  poll,
  sendBackend,
  settle,
  testClock,
} from './decide-helpers.js';
import { adminGet, collectorPerSuite, report, STORES, serviceKey } from './harness.js';

describe.each(STORES)('command channel on $name', ({ name, create }) => {
  const clock = testClock();
  const suite = collectorPerSuite(create, decisions(), () => ({ clock }));

  it('delivers a command to a waiting poll, takes its ack, and learns its verified outcome', async () => {
    const waiting = poll(suite.base, 'billing', 10);
    // The poll is held open: give it a moment to be waiting before the fault arrives.
    await new Promise((r) => setTimeout(r, 200));
    const fault = healthFault('db_down', 'postgres');
    const sentAt = Date.now();
    await sendBackend(suite.base, 'billing', [fault]);
    const { status, body } = await waiting;
    expect(status).toBe(200);
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(body.type).toBe('commands');
    expect(body.commands).toHaveLength(1);
    const command = body.commands[0];
    expect(command).toMatchObject({
      type: 'command',
      protocolVersion: 1,
      project: 'default',
      fingerprint: fault.fingerprint,
      target: 'service',
      service: 'billing',
      strategy: 'reconnect_database',
    });

    const first = await ack(suite.base, 'billing', command.id);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ commandId: command.id, status: 'acknowledged' });
    const again = await ack(suite.base, 'billing', command.id);
    expect(again.status).toBe(200);
    expect((await poll(suite.base, 'billing', 0)).body.commands).toEqual([]);

    await sendBackend(suite.base, 'billing', [
      fixOutcome({
        strategy: 'reconnect_database',
        fingerprint: fault.fingerprint,
        success: true,
        commandId: command.id,
      }),
    ]);
    await settle(suite.collector);
    // Within the verification window the outcome is not yet a success.
    let { decisions: list } = await adminGet(
      suite.base,
      `/api/decisions?fingerprint=${fault.fingerprint}`,
    );
    expect(list[0].status).toBe('dispatched');

    clock.advance(61_000);
    await settle(suite.collector);
    ({ decisions: list } = await adminGet(
      suite.base,
      `/api/decisions?fingerprint=${fault.fingerprint}`,
    ));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      status: 'succeeded',
      strategy: 'reconnect_database',
      autoApplied: true,
    });

    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fault.fingerprint}`);
    expect(knowledge).toEqual([
      expect.objectContaining({
        patternType: 'fingerprint',
        strategy: 'reconnect_database',
        attempts: 1,
        successes: 1,
        successRate: 1,
        lastOutcome: 'success',
      }),
    ]);
    const status2 = await adminGet(suite.base, '/api/status');
    expect(status2.fixSuccessRate).toBe(1);
    expect(status2.recentDecisions[0].fingerprint).toBe(fault.fingerprint);
  });

  it('delivers an unacknowledged command again on a later poll', async () => {
    const fault = healthFault('cache_down', 'redis');
    await sendBackend(suite.base, 'search', [fault]);
    await settle(suite.collector);
    const first = await poll(suite.base, 'search', 5);
    expect(first.body.commands.map((c: { strategy: string }) => c.strategy)).toEqual([
      'reconnect_cache',
    ]);
    // Not acknowledged: redelivered after the redelivery delay.
    const second = await poll(suite.base, 'search', 10);
    expect(second.body.commands.map((c: { id: string }) => c.id)).toEqual([
      first.body.commands[0].id,
    ]);
    expect((await ack(suite.base, 'search', first.body.commands[0].id)).status).toBe(200);
    expect((await poll(suite.base, 'search', 0)).body.commands).toEqual([]);
  });

  it('describes the decision and command routes in /openapi.json', async () => {
    const doc = (await (await fetch(`${suite.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const path of [
      '/api/commands',
      '/api/commands/{id}/ack',
      '/api/decisions',
      '/api/decisions/{id}/approve',
      '/api/decisions/{id}/reject',
      '/api/knowledge',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(JSON.stringify(doc.paths['/api/decisions'])).toContain('project');
  });

  it('answers 404 for an unknown command and 400 for a mismatched or malformed ack', async () => {
    expect((await ack(suite.base, 'billing', 'no-such-command')).status).toBe(404);
    const mismatch = await ack(suite.base, 'billing', 'a', { commandId: 'b' });
    expect(mismatch.status).toBe(400);
    const bad = await fetch(`${suite.base}/api/commands/x/ack`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await serviceKey(suite.base, 'billing')}`,
        'content-type': 'application/json',
      },
      body: '{"type":',
    });
    expect(bad.status).toBe(400);
    const noAgent = await fetch(`${suite.base}/api/commands?service=billing`, {
      headers: { authorization: `Bearer ${await serviceKey(suite.base, 'billing')}` },
    });
    expect(noAgent.status).toBe(400);
    expect((await fetch(`${suite.base}/api/commands?service=a&agent=a`)).status).toBe(401);
  });

  it('refuses a newer protocol version in reports, polls and acks with a 400 naming both', async () => {
    const res = await report(suite.base, {
      agent: 'backend',
      protocolVersion: 2,
      events: [healthFault('db_down')],
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toMatch(/version 2/);
    expect(problem.detail).toMatch(/version 1/);
    const polled = await poll(suite.base, 'billing', 0, '&protocolVersion=2');
    expect(polled.status).toBe(400);
    expect(polled.body.detail).toMatch(/version 2/);
    const acked = await ack(suite.base, 'billing', 'whatever', { protocolVersion: 3 });
    expect(acked.status).toBe(400);
    expect(((await acked.json()) as { detail: string }).detail).toMatch(/version 3/);
  });

  // Two collectors share a store only on Postgres (an embedded database belongs to one process).
  it.runIf(name === 'postgres')(
    'wakes a poll waiting on another collector on the same store',
    async () => {
      const other = await import('./harness.js').then((h) =>
        h.startCollector(suite.target, decisions(), { clock }),
      );
      try {
        const waiting = poll(other.base, 'mailer', 10);
        await new Promise((r) => setTimeout(r, 300));
        const started = Date.now();
        await sendBackend(suite.base, 'mailer', [healthFault('db_down', 'mail-db')]);
        const { body } = await waiting;
        expect(body.commands).toHaveLength(1);
        expect(body.commands[0].service).toBe('mailer');
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await other.collector.close();
      }
    },
  );

  it('holds a refused command off for its fingerprint', async () => {
    const fault = healthFault('db_down', 'ledger-db');
    await sendBackend(suite.base, 'ledger', [fault]);
    await settle(suite.collector);
    const { body } = await poll(suite.base, 'ledger', 5);
    const command = body.commands[0];
    const refused = await ack(suite.base, 'ledger', command.id, {
      accepted: false,
      reason: 'auto-fix is off',
    });
    expect(await refused.json()).toEqual({ commandId: command.id, status: 'refused' });
    const decision = await eventually(async () => {
      const { decisions: list } = await adminGet(
        suite.base,
        `/api/decisions?fingerprint=${fault.fingerprint}`,
      );
      return list[0]?.status === 'failed' ? list[0] : undefined;
    });
    expect(decision.strategy).toBe('reconnect_database');
    expect(decision.notes.at(-1)).toBe('ledger:h1 refused the command: auto-fix is off');
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fault.fingerprint}`);
    expect(new Date(knowledge[0].blockedUntil).getTime()).toBeGreaterThan(
      clock.now() + 50 * 60_000,
    );
  });

  it('supersedes a decision waiting for a person once the service fixed the fault itself', async () => {
    const fault = healthFault('api_down', `gateway-${name}`);
    await sendBackend(suite.base, 'gateway', [fault]);
    await settle(suite.collector);
    const list = async () =>
      (await adminGet(suite.base, `/api/decisions?fingerprint=${fault.fingerprint}`)).decisions;
    const [pending] = await list();
    expect(pending).toMatchObject({ strategy: 'restart_service', status: 'pending' });
    await sendBackend(suite.base, 'gateway', [
      fixOutcome({
        strategy: 'restart_service',
        fingerprint: fault.fingerprint,
        success: true,
        local: true,
      }),
    ]);
    await settle(suite.collector);
    clock.advance(61_000);
    await settle(suite.collector);
    const [after] = await list();
    expect(after.status).toBe('superseded');
    expect(after.notes.at(-1)).toMatch(
      /^gateway fixed it on its own \(restart_service\), verified/,
    );
    // Nothing is left to approve: a second restart of a healed service is refused.
    expect((await adminPost(suite.base, `/api/decisions/${after.id}/approve`)).status).toBe(409);
  });

  it("expires a command no agent took within its strategy's time, and says so on its decision", async () => {
    const fault = healthFault('cache_down', `lonely-${name}`);
    await sendBackend(suite.base, 'lonely', [fault]);
    await settle(suite.collector);
    const [dispatched] = (
      await adminGet(suite.base, `/api/decisions?fingerprint=${fault.fingerprint}`)
    ).decisions;
    expect(dispatched).toMatchObject({ strategy: 'reconnect_cache', status: 'dispatched' });
    // reconnect_cache commands wait five minutes (the catalog's COMMAND_TTL_MS).
    clock.advance(4 * 60_000);
    await settle(suite.collector);
    const [waiting] = (
      await adminGet(suite.base, `/api/decisions?fingerprint=${fault.fingerprint}`)
    ).decisions;
    expect(waiting.status).toBe('dispatched');
    clock.advance(2 * 60_000);
    await settle(suite.collector);
    const [expired] = (
      await adminGet(suite.base, `/api/decisions?fingerprint=${fault.fingerprint}`)
    ).decisions;
    expect(expired.status).toBe('expired');
    expect(expired.notes.at(-1)).toBe(
      'the command expired: no agent of lonely took it within 5 min',
    );
    expect((await poll(suite.base, 'lonely', 0)).body.commands).toEqual([]);
  });
});
