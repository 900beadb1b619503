import { describe, expect, it } from 'vitest';
import { projects } from '../src/db/schema.js';
import { hashSecret } from '../src/store/keys.js';
import { decisions, healthFault, sendBackend, settle, testClock } from './decide-helpers.js';
import {
  adminGet,
  collectorPerSuite,
  event,
  metric,
  report,
  STORES,
  serviceKey,
} from './harness.js';

const OTHER_KEY = 'shp_caps-other-project-key';

const errors = (fingerprints: string[]) =>
  fingerprints.map((fingerprint) => event({ fingerprint, message: `boom ${fingerprint}` }));

describe.each(STORES)('new issues and decisions are capped per project on $name', ({ create }) => {
  const clock = testClock();
  const suite = collectorPerSuite(
    create,
    { maxNewIssuesPerMinute: 5, ...decisions({ maxNewDecisionsPerMinute: 3 }) },
    () => ({ clock }),
  );

  it('counts new fingerprints past the cap under one overflow issue, every event counted', async () => {
    const first = Array.from({ length: 10 }, (_, i) => `cap-${i}`);
    const second = Array.from({ length: 10 }, (_, i) => `cap-${i + 10}`);
    expect((await report(suite.base, { agent: 'frontend', events: errors(first) })).status).toBe(
      202,
    );
    const again = errors([...second, 'cap-0', 'cap-0']);
    expect((await report(suite.base, { agent: 'frontend', events: again })).status).toBe(202);

    const { issues } = await adminGet(suite.base, '/api/issues?limit=1000');
    const own = issues.filter((i: { fingerprint: string }) => i.fingerprint.startsWith('cap-'));
    const overflow = issues.find((i: { fingerprint: string }) => i.fingerprint === 'overflow');
    expect(own).toHaveLength(5);
    expect(overflow).toMatchObject({ title: 'New fault groups over the limit (5/min)' });
    const counted = issues.reduce((sum: number, i: { count: number }) => sum + i.count, 0);
    expect(counted).toBe(22);
    expect(overflow.count).toBe(
      22 - own.reduce((s: number, i: { count: number }) => s + i.count, 0),
    );
    expect(await metric(suite.base, 'selfheal_issues_overflowed_total')).toBe(15);

    // A minute later the cap has room again: an overflowed fingerprint gets its own issue.
    const waiting = second.find(
      (fp) => !own.some((i: { fingerprint: string }) => i.fingerprint === fp),
    );
    clock.advance(61_000);
    await report(suite.base, { agent: 'frontend', events: errors([waiting as string]) });
    const later = await adminGet(suite.base, `/api/issues/${waiting}`);
    expect(later.issue).toMatchObject({ fingerprint: waiting, count: 1 });
  });

  it('leaves other projects their own new issues, and caps new decisions per minute', async () => {
    await suite.collector.database.db
      .insert(projects)
      .values({ id: 'caps-other', name: 'Other', keyHash: hashSecret(OTHER_KEY) })
      .onConflictDoNothing();
    const gatewayKey = await serviceKey(suite.base, 'gateway', 'caps-other');
    const faults = Array.from({ length: 5 }, (_, i) => healthFault('api_down', `caps-svc-${i}`));
    await sendBackend(suite.base, 'gateway', faults, gatewayKey);
    await settle(suite.collector);

    const { issues } = await adminGet(suite.base, '/api/issues?project=caps-other');
    expect(issues.map((i: { fingerprint: string }) => i.fingerprint).sort()).toEqual(
      faults.map((f) => f.fingerprint).sort(),
    );
    const made = (await adminGet(suite.base, '/api/decisions?project=caps-other')).decisions;
    expect(made).toHaveLength(3);
    expect(await metric(suite.base, 'selfheal_decisions_capped_total')).toBe(2);

    // The fingerprints left undecided come back with their next occurrence, once there is room.
    const left = faults.filter(
      (f) => !made.some((d: { fingerprint: string }) => d.fingerprint === f.fingerprint),
    );
    clock.advance(61_000);
    await sendBackend(
      suite.base,
      'gateway',
      left.map((f) => ({ ...f, id: `${f.id}-again` })),
      gatewayKey,
    );
    await settle(suite.collector);
    const now = (await adminGet(suite.base, '/api/decisions?project=caps-other')).decisions;
    expect(now).toHaveLength(5);
  });
});

describe.each(STORES)('the rate limit is on by default on $name', ({ create }) => {
  // A clock that never moves: the bucket never refills, so the test does not depend on speed.
  const at = Date.now();
  const suite = collectorPerSuite(create, { rateLimitBurst: 100 }, () => ({
    clock: { now: () => at },
  }));

  it('answers 429 with Retry-After once a project spends its burst', async () => {
    const batch = () => ({ agent: 'frontend', events: Array.from({ length: 60 }, () => event()) });
    expect((await report(suite.base, batch())).status).toBe(202);
    const refused = await report(suite.base, batch());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
