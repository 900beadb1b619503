import { describe, expect, it } from 'vitest';
import { collectorPerSuite, event, report, STORES, serviceKey } from './harness.js';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  -1,
  0,
  1e308,
  -1e308,
  '',
  'x'.repeat(70_000),
  '\u0000',
  '\ud800',
  '<img src=x onerror=alert(1)>',
  [],
  [[[[[[[[[[[[]]]]]]]]]]]],
  {},
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  true,
  'error',
  'health_check',
  { status: 'fail', check: ['db'] },
  Array.from({ length: 600 }, () => 1),
];

/** Replaces one value somewhere in `value` with an odd one. */
function mutate(value: unknown, next: () => number, depth = 0): unknown {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T;
  if (depth > 0 && next() < 0.3) return pick(ODD_VALUES);
  if (Array.isArray(value) && value.length > 0) {
    const copy = [...value];
    const i = Math.floor(next() * copy.length);
    copy[i] = mutate(copy[i], next, depth + 1);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0 || next() < 0.1)
      copy[pick(['extra', 'events', 'event', 'data'])] = pick(ODD_VALUES);
    else {
      const key = pick(keys);
      if (next() < 0.1) delete copy[key];
      else copy[key] = mutate(copy[key], next, depth + 1);
    }
    return copy;
  }
  return pick(ODD_VALUES);
}

describe.each(STORES)('mutated reports on $name', ({ create }) => {
  const suite = collectorPerSuite(create);

  it('never answer 5xx and never pollute prototypes', async () => {
    const next = random(20_261_129);
    const statuses = new Map<number, number>();
    const key = await serviceKey(suite.base, 'fuzz');
    for (let i = 0; i < 150; i++) {
      const valid = {
        agent: 'backend',
        service: 'fuzz',
        events: [event({ type: 'network', data: { method: 'GET', status: 503 } }), event()],
      };
      let body = mutate(valid, next);
      if (next() < 0.2) body = mutate(body, next);
      // The key is the fuzzed service's own: the body's claims are what is mutated.
      const res = await report(suite.base, body, { authorization: `Bearer ${key}` });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `case ${i}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
      await res.arrayBuffer();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Both outcomes occur, so the mutations reach the store as well as the validator.
    expect(statuses.get(202)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
  });
});
