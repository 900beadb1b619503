import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events, outcomes } from '../src/db/schema.js';
import { HARM_MIN_EVENTS } from '../src/loop/verdict.js';
import {
  decisions,
  fixOutcome,
  healthFault,
  sendBackend,
  settle,
  testClock,
} from './decide-helpers.js';
import { adminGet, collectorPerSuite, report, STORES } from './harness.js';

const WINDOW_MS = 60_000;

/** `n` fault events of `fingerprint`. */
function faults(n: number, fingerprint: string, kind = 'unknown') {
  return Array.from({ length: n }, () => ({
    id: `f-${randomUUID()}`,
    type: 'error',
    kind,
    severity: 'high',
    fingerprint,
    message: `Error: ${fingerprint}`,
    timestamp: Date.now(),
  }));
}

const uid = () => randomUUID().slice(0, 8);

describe.each(STORES)('verdicts on $name', ({ create }) => {
  const clock = testClock();
  // Sampling as tight as it goes: past a fingerprint's first event of each kind, only the
  // newest of each batch keeps its payload. Verdicts read the rows every event keeps.
  const suite = collectorPerSuite(
    create,
    {
      ...decisions({ verifyWindowMs: WINDOW_MS }),
      sampling: { enabled: true, firstPerWindow: 0, windowMs: 3_600_000 },
    },
    () => ({ clock }),
  );

  /** The verdict on the fix of `fingerprint` and what it taught, as a person reads them. */
  async function verdict(fingerprint: string, strategy: string) {
    const rows = await suite.collector.database.db
      .select({ status: outcomes.status })
      .from(outcomes)
      .where(eq(outcomes.fingerprint, fingerprint));
    const { knowledge } = await adminGet(suite.base, `/api/knowledge?pattern=${fingerprint}`);
    const row = knowledge.find((k: { strategy: string }) => k.strategy === strategy);
    return {
      status: rows.map((r) => r.status).join(','),
      successes: row?.successes,
      failures: row?.failures,
      heldOff: row?.blockedUntil ? new Date(row.blockedUntil).getTime() > clock.now() : false,
    };
  }

  /**
   * A service with a fault `noise` already there (`noiseBefore` events), a database fault fixed
   * by a reconnect, then `noiseAfter` noise events and whatever `then` sends within the window.
   */
  async function serviceFix(
    noiseBefore: number,
    noiseAfter: number,
    then: (service: string, fingerprint: string) => Promise<unknown> = async () => {},
  ) {
    const service = `svc-${uid()}`;
    const fingerprint = `fp-db-${uid()}`;
    const noise = `fp-noise-${uid()}`;
    if (noiseBefore > 0) await sendBackend(suite.base, service, faults(noiseBefore, noise));
    clock.advance(1_000);
    await sendBackend(suite.base, service, [{ ...healthFault('db_down', 'db'), fingerprint }]);
    clock.advance(1_000);
    await sendBackend(suite.base, service, [
      fixOutcome({ strategy: 'reconnect_database', fingerprint, success: true, local: true }),
    ]);
    clock.advance(1_000);
    if (noiseAfter > 0) await sendBackend(suite.base, service, faults(noiseAfter, noise));
    await then(service, fingerprint);
    clock.advance(WINDOW_MS + 1_000);
    await settle(suite.collector);
    return verdict(fingerprint, 'reconnect_database');
  }

  const succeeded = { status: 'succeeded', successes: 1, failures: 0, heldOff: false };

  it.each([
    ['rising', 3, 30],
    ['flat', 10, 10],
    ['falling', 30, 3],
  ])('a fix succeeds when its fault stays away, with unrelated noise %s', async (_, b, a) => {
    const pass = () => ({ ...healthFault('db_down', 'db'), data: { check: 'db', status: 'pass' } });
    const seen = await serviceFix(b, a, (service, fingerprint) =>
      // The check passing under the fault's fingerprint is the fault staying away; sampling
      // drops the first pass's data, and it is still no fault.
      sendBackend(suite.base, service, [
        { ...pass(), fingerprint },
        { ...pass(), fingerprint },
      ]),
    );
    expect(seen).toEqual(succeeded);
  });

  it('a fix fails when its fault comes back once within the window', async () => {
    const seen = await serviceFix(5, 5, (service, fingerprint) =>
      sendBackend(suite.base, service, [{ ...healthFault('db_down', 'db'), fingerprint }]),
    );
    expect(seen).toEqual({ status: 'failed', successes: 0, failures: 1, heldOff: false });
  });

  it('a fix followed by a new fault on its service is rolled back and held off', async () => {
    const seen = await serviceFix(5, 5, (service) =>
      sendBackend(suite.base, service, faults(HARM_MIN_EVENTS + 1, `fp-caused-${uid()}`)),
    );
    expect(seen).toEqual({ status: 'rolled_back', successes: 0, failures: 1, heldOff: true });
  });

  it('a new fault on another service is not harm of this fix', async () => {
    const seen = await serviceFix(0, 0, () =>
      sendBackend(suite.base, `other-${uid()}`, faults(20, `fp-elsewhere-${uid()}`)),
    );
    expect(seen).toEqual(succeeded);
  });

  it('too few new events to judge harm: not rolled back, judged on the fingerprint', async () => {
    const few = await serviceFix(0, 0, (service) =>
      sendBackend(suite.base, service, faults(HARM_MIN_EVENTS - 1, `fp-few-${uid()}`)),
    );
    expect(few).toEqual(succeeded);
    const fewAndBack = await serviceFix(0, 0, async (service, fingerprint) => {
      await sendBackend(suite.base, service, faults(2, `fp-few-${uid()}`));
      await sendBackend(suite.base, service, [{ ...healthFault('db_down', 'db'), fingerprint }]);
    });
    expect(fewAndBack).toEqual({ status: 'failed', successes: 0, failures: 1, heldOff: false });
  });

  /** A page session's report. */
  async function sendPage(sessionId: string, events: unknown[]) {
    const res = await report(suite.base, { agent: 'frontend', sessionId, events });
    expect(res.status).toBe(202);
  }

  /** A page fault fixed by `strategy` in one session, then `then` within the window. */
  async function pageFix(
    strategy: string,
    kind: string,
    then: (session: string, fingerprint: string) => Promise<unknown>,
  ) {
    const session = `s-${uid()}`;
    const fingerprint = `fp-page-${uid()}`;
    await sendPage(session, faults(1, fingerprint, kind));
    clock.advance(1_000);
    await sendPage(session, [fixOutcome({ strategy, fingerprint, success: true, local: true })]);
    clock.advance(1_000);
    await then(session, fingerprint);
    clock.advance(WINDOW_MS + 1_000);
    await settle(suite.collector);
    return verdict(fingerprint, strategy);
  }

  it('a retry that got its answer succeeded, though the API fails again on a later page load', async () => {
    const seen = await pageFix('retry_request', 'network_error', (_, fingerprint) =>
      sendPage(`s-${uid()}`, faults(3, fingerprint, 'network_error')),
    );
    expect(seen).toEqual(succeeded);
  });

  it('a retry is judged on its agent’s word at once, without waiting out the window', async () => {
    const session = `s-${uid()}`;
    const fingerprint = `fp-page-${uid()}`;
    await sendPage(session, faults(1, fingerprint, 'network_error'));
    clock.advance(1_000);
    const retry = { strategy: 'retry_request', fingerprint, success: true, local: true };
    await sendPage(session, [fixOutcome(retry)]);
    await settle(suite.collector);
    expect(await verdict(fingerprint, 'retry_request')).toEqual(succeeded);
    // A reload's promise is watched in its session: it still waits out the window.
    const reloaded = `fp-page-${uid()}`;
    await sendPage(session, faults(1, reloaded, 'import_error'));
    const reload = { strategy: 'reload_page', fingerprint: reloaded, success: true, local: true };
    await sendPage(`s-${uid()}`, [fixOutcome(reload)]);
    await settle(suite.collector);
    expect((await verdict(reloaded, 'reload_page')).status).toBe('verifying');
  });

  it('a reload fails when its own page session sees the fault again', async () => {
    const seen = await pageFix('reload_page', 'import_error', (session, fingerprint) =>
      sendPage(session, faults(1, fingerprint, 'import_error')),
    );
    expect(seen).toEqual({ status: 'failed', successes: 0, failures: 1, heldOff: false });
  });

  it('a reload succeeds when only other sessions see the fault', async () => {
    const seen = await pageFix('reload_page', 'import_error', (_, fingerprint) =>
      sendPage(`s-${uid()}`, faults(2, fingerprint, 'import_error')),
    );
    expect(seen).toEqual(succeeded);
  });

  it('ran with most payloads sampled out, passing checks among them', async () => {
    const rows = await suite.collector.database.db
      .select({ type: events.type, grouped: events.grouped, n: count() })
      .from(events)
      .where(eq(events.kept, false))
      .groupBy(events.type, events.grouped);
    const dropped = (type: string, grouped: boolean) =>
      rows.find((r) => r.type === type && r.grouped === grouped)?.n ?? 0;
    expect(dropped('error', true)).toBeGreaterThan(50);
    expect(dropped('health_check', false)).toBeGreaterThanOrEqual(3);
  });
});
