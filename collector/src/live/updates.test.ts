import type { DashboardUpdate } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { fromPayload, packUpdates, toPayloads, toReportUpdate } from './updates.js';

const report = (id: string, url: string): DashboardUpdate =>
  toReportUpdate('default', {
    id,
    agent: 'frontend',
    service: 'storefront',
    sessionId: 's',
    hostname: null,
    url,
    eventCount: 1,
    receivedAt: new Date(0).toISOString(),
  });

describe('packing live updates into NOTIFY payloads', () => {
  it('fills each payload under the limit, in order, one entry per update', () => {
    const updates = Array.from({ length: 60 }, (_, i) => report(`r${i}`, `https://a.example/${i}`));
    const packed = packUpdates(updates);
    expect(packed).toHaveLength(60);
    const payloads = toPayloads(updates);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    const back = payloads.flatMap(fromPayload);
    expect(back.map((u) => (u.type === 'report' ? u.report.id : ''))).toEqual(
      updates.map((u) => (u.type === 'report' ? u.report.id : '')),
    );
    expect(packed.map((p) => p?.payload)).toEqual(
      [...packed.map((p) => p?.payload)].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
  });

  it('sends an update too big for a payload slimmed and alone', () => {
    const packed = packUpdates([
      report('a', 'x'),
      report('big', `https://a.example/${'y'.repeat(9000)}`),
      report('c', 'z'),
    ]);
    expect(new Set(packed.map((p) => p?.payload)).size).toBe(3);
    const big = fromPayload(`[${packed[1]?.json}]`)[0];
    expect(big?.type === 'report' && big.report.url?.length).toBe(500);
  });
});
