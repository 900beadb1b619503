import { describe, expect, it } from 'vitest';
import type { IngestEvent, IngestReport } from './normalize.js';
import { createSampler, type SamplingOptions } from './sample.js';

let ids = 0;

function event(overrides: Partial<IngestEvent> = {}): IngestEvent {
  ids += 1;
  return {
    id: `e-${ids}`,
    type: 'error',
    kind: 'type_error',
    severity: 'medium',
    fingerprint: 'fp-a',
    title: 'TypeError: x is undefined',
    message: 'TypeError: x is undefined',
    stack: 'TypeError: x is undefined\n    at render (https://shop.test/app.js:10:5)',
    url: null,
    data: { release: '1.0.0' },
    count: 1,
    occurredAt: new Date(0),
    grouped: true,
    forLoop: false,
    ...overrides,
  };
}

function report(events: IngestEvent[], overrides: Partial<IngestReport> = {}): IngestReport {
  return {
    projectId: 'p',
    reportId: `r-${ids}`,
    agent: 'frontend',
    agentId: 'frontend:s1',
    service: null,
    sessionId: 's1',
    hostname: null,
    region: null,
    url: 'https://shop.test/cart?item=1',
    receivedAt: new Date(0),
    healthy: null,
    events,
    ...overrides,
  };
}

const options: SamplingOptions = { enabled: true, firstPerWindow: 3, windowMs: 60_000 };

/** Plans and commits one batch; answers which of its events kept their payload. */
function keep(sampler: ReturnType<typeof createSampler>, batch: IngestReport[]): boolean[] {
  const plan = sampler.plan(batch);
  plan.commit();
  return batch.flatMap((r) => r.events.map((e) => plan.kept.has(e)));
}

const repeats = (n: number, overrides: Partial<IngestEvent> = {}) =>
  Array.from({ length: n }, () => event(overrides));

describe('sampling raw events', () => {
  it('keeps every event whole when it is off', () => {
    const sampler = createSampler({ ...options, enabled: false });
    expect(keep(sampler, [report(repeats(10))])).toEqual(Array(10).fill(true));
  });

  it('keeps the first events of a fingerprint, then only the newest of each batch', () => {
    const sampler = createSampler(options);
    expect(keep(sampler, [report(repeats(5))])).toEqual([true, true, true, false, true]);
    expect(keep(sampler, [report(repeats(3))])).toEqual([false, false, true]);
  });

  it('starts a fingerprint over when its window has passed', () => {
    let now = 0;
    const sampler = createSampler(options, () => now);
    keep(sampler, [report(repeats(4))]);
    now = 60_000;
    expect(keep(sampler, [report(repeats(4))])).toEqual([true, true, true, true]);
    expect(keep(sampler, [report(repeats(2))])).toEqual([false, true]);
  });

  it('keeps the first event of a new release, URL, stack or sender past the first ones', () => {
    const sampler = createSampler({ ...options, firstPerWindow: 0 });
    keep(sampler, [report(repeats(2))]);
    const batch = [
      report([event(), event({ data: { release: '1.0.1' } }), event()]),
      // The query and fragment do not make a new URL.
      report([event()], { url: 'https://shop.test/cart?item=2#top' }),
      report([event()], { url: 'https://shop.test/checkout' }),
      report([event({ stack: 'TypeError: x is undefined\n    at render (app.js:11:5)' })]),
      report([event({ data: { sentry: { release: '1.0.0' } } })]),
      report([event()]),
    ];
    expect(keep(sampler, batch)).toEqual([false, true, false, false, true, true, true, true]);
  });

  it('keeps fix attempts and outcomes whole', () => {
    const sampler = createSampler({ ...options, firstPerWindow: 0 });
    const fixes = [event({ type: 'fix_attempt' }), event({ type: 'fix_outcome' })];
    expect(keep(sampler, [report([...fixes, ...fixes.map((f) => ({ ...f, id: 'x' }))])])).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('keeps the newest event of a fingerprint from each kind of agent', () => {
    const sampler = createSampler({ ...options, firstPerWindow: 0 });
    const page = repeats(3);
    const service = repeats(3);
    const batch = [report(page), report(service, { agent: 'backend', service: 'api' })];
    expect(keep(sampler, batch)).toEqual([true, false, true, true, false, true]);
  });

  it('forgets a batch whose write failed, so its firsts are kept when it is written again', () => {
    const sampler = createSampler(options);
    const batch = [report(repeats(3))];
    sampler.plan(batch);
    expect(keep(sampler, batch)).toEqual([true, true, true]);
  });
});
