import type { Event } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { applyEvent, applyStatus, emptyTabState, TAB_LIMITS } from './tab-state.js';

let n = 0;
const event = (fields: Partial<Event> & Pick<Event, 'type'>): Event =>
  ({ id: `e${++n}`, timestamp: 1_000 + n, ...fields }) as Event;

describe('tab state', () => {
  it('groups faults by fingerprint, counting them and keeping the latest time', () => {
    const state = emptyTabState(7, 'http://localhost:3000/');
    const fault = {
      type: 'error',
      message: 'TypeError: a is undefined',
      kind: 'type_error',
      fingerprint: 'f1',
    } as const;
    applyEvent(state, event(fault));
    applyEvent(state, event({ ...fault, timestamp: 9_000 }));
    applyEvent(
      state,
      event({ type: 'network', message: 'GET /api failed: HTTP 500', fingerprint: 'f2' }),
    );
    expect(state.faults).toHaveLength(2);
    expect(state.faults[0]).toMatchObject({
      fingerprint: 'f1',
      kind: 'type_error',
      count: 2,
      lastSeen: 9_000,
    });
  });

  it('classifies and fingerprints a fault that arrives without them', () => {
    const state = emptyTabState(1);
    applyEvent(state, event({ type: 'error', message: 'ReferenceError: foo is not defined' }));
    expect(state.faults[0]?.kind).toBe('reference_error');
    expect(state.faults[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('pairs an outcome with its attempt and says why the fix ran', () => {
    const state = emptyTabState(1);
    applyEvent(
      state,
      event({
        type: 'network',
        message: 'GET /api failed: HTTP 500',
        kind: 'api_down',
        fingerprint: 'f',
      }),
    );
    applyEvent(
      state,
      event({
        type: 'fix_attempt',
        data: { strategy: 'retry_request', fingerprint: 'f', local: true },
      }),
    );
    applyEvent(
      state,
      event({
        type: 'fix_outcome',
        data: { strategy: 'retry_request', fingerprint: 'f', success: true, verifiedBy: 'request' },
      }),
    );
    expect(state.fixes).toHaveLength(1);
    expect(state.fixes[0]).toMatchObject({
      strategy: 'retry_request',
      success: true,
      verifiedBy: 'request',
      kind: 'api_down',
    });
    expect(state.fixes[0]?.reason).toMatch(
      /chose it on the spot for api_down "GET \/api failed: HTTP 500"/,
    );
  });

  it('names the collector’s decision when a fix was a recommendation', () => {
    const state = emptyTabState(1);
    const data = {
      strategy: 'reload_page',
      fingerprint: 'f',
      commandId: 'c1',
      decisionId: 'd1',
    } as const;
    applyEvent(state, event({ type: 'fix_attempt', data }));
    applyEvent(
      state,
      event({ type: 'fix_outcome', data: { ...data, success: false, detail: 'came back' } }),
    );
    expect(state.fixes[0]).toMatchObject({ commandId: 'c1', success: false, detail: 'came back' });
    expect(state.fixes[0]?.reason).toMatch(/collector recommended it \(decision d1\)/);
  });

  it('keeps within its limits, dropping the least recent', () => {
    const state = emptyTabState(1);
    for (let i = 0; i < TAB_LIMITS.faults + 10; i++) {
      applyEvent(state, event({ type: 'error', message: `e${i}`, fingerprint: `f${i}` }));
    }
    expect(state.faults).toHaveLength(TAB_LIMITS.faults);
    expect(state.faults.some((f) => f.fingerprint === 'f0')).toBe(false);
  });

  it('records the agent’s status and when it came', () => {
    const state = emptyTabState(1);
    applyStatus(state, {
      metrics: { errorsDetected: 3 },
      health: { fixSuccessRate: 1, uptime: 10 },
    });
    expect(state.status?.metrics.errorsDetected).toBe(3);
    expect(state.statusAt).toBeTypeOf('number');
  });
});
