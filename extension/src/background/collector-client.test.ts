import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../../collector/src/collector.js';
import {
  ADMIN,
  KEY,
  pgliteTarget,
  type StoreTarget,
  startCollector,
} from '../../../collector/test/harness.js';
import { decide, fetchDecisions, postReport } from './collector-client.js';
import { DEFAULT_SETTINGS } from './settings-defaults.js';

const report = (id: string) => ({
  agent: 'frontend' as const,
  protocolVersion: 1,
  events: [
    { id, type: 'error' as const, timestamp: Date.now(), message: 'TypeError: x is undefined' },
  ],
});

describe('the worker’s collector client, against a real collector', () => {
  let target: StoreTarget;
  let collector: Collector;
  let base: string;

  beforeAll(async () => {
    target = pgliteTarget();
    ({ collector, base } = await startCollector(target));
  });
  afterAll(async () => {
    await collector?.close();
    await target?.dispose();
  });

  const settings = () => ({
    ...DEFAULT_SETTINGS,
    collectorUrl: base,
    projectKey: KEY,
    adminToken: ADMIN,
  });

  it('delivers a report with the project key', async () => {
    expect(await postReport(settings(), report('cc-1'))).toEqual({ ok: true, commands: [] });
  });

  it('says not to retry a refused key, and to retry an unreachable collector', async () => {
    const refused = await postReport({ ...settings(), projectKey: 'not-the-key' }, report('cc-2'));
    expect(refused).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/403/) });
    const down = await postReport(
      { ...settings(), collectorUrl: 'http://127.0.0.1:9' },
      report('cc-3'),
    );
    expect(down).toMatchObject({
      ok: false,
      retry: true,
      error: expect.stringMatching(/unreachable/),
    });
  });

  it('sends nothing when reporting is off or no key is set', async () => {
    expect(
      await postReport({ ...settings(), reportingEnabled: false }, report('cc-4')),
    ).toMatchObject({
      ok: true,
      skipped: true,
    });
    expect(await postReport({ ...settings(), projectKey: '' }, report('cc-5'))).toMatchObject({
      ok: false,
      retry: false,
    });
  });

  it('reports decisions as unavailable without a token or on a collector without the route', async () => {
    const noToken = await fetchDecisions({ ...settings(), adminToken: '' }, ['f']);
    expect(noToken).toMatchObject({
      available: false,
      error: expect.stringMatching(/admin token/),
    });
    const answer = await fetchDecisions(settings(), ['f']);
    // Either this collector lists decisions, or it says plainly that it has none to list.
    if (answer.available) expect(answer.decisions).toEqual([]);
    else expect(answer.error).toMatch(/404|no decisions API/);
    expect(await decide(settings(), 'no-such-decision', 'approve')).toMatch(/does not know/);
  });
});
