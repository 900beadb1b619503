import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ack,
  decisions,
  decisionsFor,
  fixOutcome,
  healthFault,
  poll,
  sendBackend,
  settle,
  testClock,
} from './decide-helpers.js';
import { ADMIN, adminGet, collectorPerSuite, KEY, report, STORES, serviceKey } from './harness.js';

/** Sends `body` with the public project key, as any page (or anyone who read one) can. */
const withProjectKey = (base: string, body: unknown) =>
  report(base, body, { authorization: `Bearer ${KEY}` });

/** A page's fix outcome of a page strategy, from one session. */
const pageOutcome = (fingerprint: string, success: boolean) => ({
  id: `po-${randomUUID()}`,
  type: 'fix_outcome',
  message: `retry_request ${success ? 'worked' : 'failed'}`,
  data: { strategy: 'retry_request', fingerprint, success, kind: 'network_error', local: true },
  timestamp: Date.now(),
});

// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on them
async function knowledgeOf(base: string, pattern: string): Promise<any[]> {
  return (await adminGet(base, `/api/knowledge?pattern=${pattern}`)).knowledge;
}

describe.each(STORES)('forged input on $name', ({ create }) => {
  const clock = testClock();
  const suite = collectorPerSuite(create, decisions(), () => ({ clock }));

  it('refuses a backend report, a health check or a service outcome sent with the project key', async () => {
    const forged = await withProjectKey(suite.base, {
      agent: 'backend',
      service: 'orders',
      events: [{ ...healthFault('db_down', 'attack'), fingerprint: 'attackfp1' }],
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { detail: string }).detail).toMatch(/service key/);
    const check = await withProjectKey(suite.base, {
      agent: 'frontend',
      events: [healthFault('db_down', 'attack2')],
    });
    expect(check.status).toBe(403);
    const teach = await withProjectKey(suite.base, {
      agent: 'frontend',
      events: [
        fixOutcome({ strategy: 'scale_out', fingerprint: 'cpufp1', success: true, local: true }),
      ],
    });
    expect(teach.status).toBe(403);
    await settle(suite.collector);
    expect(await decisionsFor(suite.base, 'attackfp1')).toEqual([]);
    expect(await knowledgeOf(suite.base, 'cpufp1')).toEqual([]);
    // Nothing was queued for the service.
    expect((await poll(suite.base, 'orders', 0)).body.commands).toEqual([]);
  });

  it('takes the service from the key, and refuses a report for another service', async () => {
    const payments = await serviceKey(suite.base, 'payments');
    const other = await report(
      suite.base,
      { agent: 'backend', service: 'orders', events: [healthFault('db_down', 'x')] },
      { authorization: `Bearer ${payments}` },
    );
    expect(other.status).toBe(403);
    const fault = healthFault('api_down', `own-${randomUUID()}`);
    const own = await report(
      suite.base,
      { agent: 'backend', events: [fault] },
      { authorization: `Bearer ${payments}` },
    );
    expect(own.status).toBe(202);
    const issue = await adminGet(suite.base, `/api/issues/${fault.fingerprint}`);
    expect(issue.issue.service).toBe('payments');
    expect(issue.events[0]).toMatchObject({ agent: 'backend', service: 'payments' });
  });

  it('lets no other key take or settle a service’s command', async () => {
    const fault = healthFault('db_down', `billing-db-${randomUUID()}`);
    await sendBackend(suite.base, 'billing', [fault]);
    await settle(suite.collector);
    const thief = await serviceKey(suite.base, 'thief');
    const stolen = await poll(suite.base, 'billing', 0, '', thief);
    expect(stolen.status).toBe(403);
    const pageKeyPoll = await poll(suite.base, 'billing', 0, '', KEY);
    expect(pageKeyPoll.status).toBe(403);
    const { body } = await poll(suite.base, 'billing', 5);
    const command = body.commands.find(
      (c: { fingerprint: string }) => c.fingerprint === fault.fingerprint,
    );
    expect(command.strategy).toBe('reconnect_database');
    const refusedByThief = await ack(
      suite.base,
      'thief',
      command.id,
      { accepted: false, reason: 'nope' },
      thief,
    );
    expect(refusedByThief.status).toBe(404);
    const refusedByPage = await ack(suite.base, 'billing', command.id, { accepted: false }, KEY);
    expect(refusedByPage.status).toBe(403);
    await settle(suite.collector);
    const [decision] = await decisionsFor(suite.base, fault.fingerprint);
    expect(decision.status).toBe('dispatched');
    const knowledge = await knowledgeOf(suite.base, fault.fingerprint);
    expect(knowledge.every((k: { blockedUntil: string | null }) => !k.blockedUntil)).toBe(true);
    expect((await ack(suite.base, 'billing', command.id)).status).toBe(200);
  });

  it('learns nothing from a service’s outcomes for faults it never reported or commands it was not sent', async () => {
    const fingerprint = `cpufp-${randomUUID()}`;
    const invented = await serviceKey(suite.base, 'invented');
    for (let i = 0; i < 12; i++) {
      await sendBackend(
        suite.base,
        'invented',
        [fixOutcome({ strategy: 'scale_out', fingerprint, success: true, local: true })],
        invented,
      );
    }
    const failures = Array.from({ length: 3 }, () =>
      fixOutcome({ strategy: 'reconnect_database', fingerprint, success: false, local: true }),
    );
    await sendBackend(suite.base, 'invented', failures, invented);
    await sendBackend(
      suite.base,
      'invented',
      [
        fixOutcome({
          strategy: 'reconnect_database',
          fingerprint,
          success: false,
          commandId: 'someone-elses-command',
        }),
      ],
      invented,
    );
    await settle(suite.collector);
    clock.advance(61_000);
    await settle(suite.collector);
    expect(await knowledgeOf(suite.base, fingerprint)).toEqual([]);
    const metrics = await (
      await fetch(`${suite.base}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).text();
    expect(metrics).toMatch(
      /selfheal_outcomes_refused_total\{reason="fingerprint_not_reported_by_service"\} 1[5-9]/,
    );
  });

  it('counts a page session’s outcomes once, and never holds a strategy off for a page', async () => {
    const fingerprint = `flaky-${randomUUID()}`;
    const session = `s-${randomUUID()}`;
    const send = (events: unknown[], sessionId = session) =>
      withProjectKey(suite.base, { agent: 'frontend', sessionId, events });
    await send([
      {
        id: randomUUID(),
        type: 'network',
        kind: 'network_error',
        severity: 'low',
        fingerprint,
        url: 'https://shop.example/api/flaky',
        data: { method: 'GET', status: 503 },
        timestamp: Date.now(),
      },
    ]);
    // One session sends ten successes: it counts once.
    for (let i = 0; i < 10; i++)
      expect((await send([pageOutcome(fingerprint, true)])).status).toBe(202);
    // Three sessions send failures: counted, never a hold.
    for (let i = 0; i < 3; i++) {
      await send([pageOutcome(fingerprint, false)], `other-${i}-${randomUUID()}`);
    }
    await settle(suite.collector);
    clock.advance(61_000);
    await settle(suite.collector);
    const [row] = (await knowledgeOf(suite.base, fingerprint)).filter(
      (k: { strategy: string }) => k.strategy === 'retry_request',
    );
    expect(row).toMatchObject({ attempts: 4, successes: 1, failures: 3, blockedUntil: null });
  });

  it('never lets page events trigger or hold back a service’s fix under the same fingerprint', async () => {
    const fault = healthFault('db_down', `shared-${randomUUID()}`);
    // The attacker knows the fingerprint and gets there first, loudly.
    for (let i = 0; i < 6; i++) {
      await withProjectKey(suite.base, {
        agent: 'frontend',
        sessionId: `s-${i}`,
        events: [
          {
            id: randomUUID(),
            type: 'error',
            kind: 'db_down',
            severity: 'critical',
            fingerprint: fault.fingerprint,
            message: 'connect ECONNREFUSED 127.0.0.1:5432',
            timestamp: Date.now(),
          },
        ],
      });
    }
    await settle(suite.collector);
    const before = await decisionsFor(suite.base, fault.fingerprint);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((d: { target: string }) => d.target !== 'service')).toBe(true);
    expect((await poll(suite.base, 'ledger', 0)).body.commands).toEqual([]);
    // The service's own report still gets its fix, targeted at the service the key names.
    await sendBackend(suite.base, 'ledger', [fault]);
    await settle(suite.collector);
    const { body } = await poll(suite.base, 'ledger', 5);
    expect(body.commands).toHaveLength(1);
    expect(body.commands[0]).toMatchObject({
      fingerprint: fault.fingerprint,
      service: 'ledger',
      strategy: 'reconnect_database',
    });
  });
});
