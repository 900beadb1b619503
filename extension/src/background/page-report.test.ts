import type { Event, Report } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { originOf, toPageReport } from './page-report.js';

const at = 1_700_000_000_000;
const fault: Event = { id: 'e1', type: 'error', timestamp: at, message: 'TypeError: x' };
const check: Event = { id: 'e2', type: 'health_check', timestamp: at, kind: 'db_down' };
const fix = (strategy: string, id: string) =>
  ({ id, type: 'fix_attempt', timestamp: at, data: { strategy, fingerprint: 'abc' } }) as Event;

describe('toPageReport', () => {
  it('speaks as a frontend agent for the tab’s origin and session, whatever the page claimed', () => {
    const claimed = {
      agent: 'backend',
      service: 'orders',
      hostname: 'db-1',
      region: 'eu',
      sessionId: 's1',
      url: 'http://127.0.0.1:3000/x',
      events: [fault],
    } as Report;
    const { report, dropped } = toPageReport(claimed, 'http://127.0.0.1:3000', 'tab-session');
    expect(dropped).toBe(0);
    expect(report).toEqual({
      agent: 'frontend',
      service: 'http://127.0.0.1:3000',
      sessionId: 'tab-session',
      url: 'http://127.0.0.1:3000/x',
      events: [fault],
    });
  });

  it('drops health checks and fixes by strategies a page does not run, and counts them', () => {
    const events = [
      check,
      fault,
      fix('reconnect_database', 'f1'),
      fix('retry_request', 'f2'),
      { ...fix('restart_service', 'f3'), type: 'fix_outcome' } as Event,
      fix('toString', 'f4'),
    ];
    const { report, dropped } = toPageReport(
      { agent: 'frontend', events },
      'https://a.example',
      's',
    );
    expect(report?.events.map((e) => e.id)).toEqual(['e1', 'f2']);
    expect(dropped).toBe(4);
  });

  it('sends nothing when nothing is left', () => {
    const { report, dropped } = toPageReport(
      { agent: 'backend', events: [check] },
      'https://a.b',
      's',
    );
    expect(report).toBeUndefined();
    expect(dropped).toBe(1);
  });
});

describe('originOf', () => {
  it('takes the browser’s origin, else the frame URL’s, and refuses an opaque one', () => {
    expect(originOf({ origin: 'https://shop.example', url: 'https://x.example/' })).toBe(
      'https://shop.example',
    );
    expect(originOf({ url: 'http://127.0.0.1:8080/a?b' })).toBe('http://127.0.0.1:8080');
    expect(originOf({ origin: 'null' })).toBeUndefined();
    expect(originOf({ url: 'data:text/html,x' })).toBeUndefined();
    expect(originOf(undefined)).toBeUndefined();
  });
});
