import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { openPglite } from '../src/db/pglite.js';
import { knowledge, projects } from '../src/db/schema.js';
import { type LearnedOutcome, learnOutcome, learnOutcomes } from '../src/loop/learn.js';

// A run of outcomes that opens a breaker, backs restarts off, restarts a cooldown, holds a
// strategy off and keeps a developer fix, over two fingerprints that share a kind.
const RUN: LearnedOutcome[] = [
  ...[false, false, false, true, false].map((success) => ({
    project: 'a',
    fingerprint: 'fp1',
    kind: 'api_down' as const,
    strategy: 'restart_service' as const,
    success,
  })),
  ...[true, false, false].map((success, i) => ({
    project: 'a',
    fingerprint: 'fp2',
    kind: 'api_down' as const,
    strategy: 'restart_service' as const,
    success,
    ...(i === 0 ? { developerFix: 'raise the pool size' } : {}),
  })),
  { project: 'a', fingerprint: 'fp2', kind: 'api_down', strategy: 'retry_request', success: true },
  {
    project: 'a',
    fingerprint: 'fp3',
    kind: 'network_error',
    strategy: 'retry_request',
    success: false,
    holdOff: true,
    mayHold: false,
  },
  {
    project: 'b',
    fingerprint: 'fp1',
    kind: 'api_down',
    strategy: 'restart_service',
    success: false,
    holdOff: true,
  },
];

describe('learning outcomes together', () => {
  let one: Database;
  let all: Database;
  beforeAll(async () => {
    [one, all] = await Promise.all([openPglite(), openPglite()]);
    for (const store of [one, all]) {
      await store.db.insert(projects).values([
        { id: 'a', name: 'a', keyHash: 'ha' },
        { id: 'b', name: 'b', keyHash: 'hb' },
      ]);
    }
  });
  afterAll(async () => {
    await Promise.all([one.close(), all.close()]);
  });

  const rowsOf = (store: Database) =>
    store.db
      .select()
      .from(knowledge)
      .orderBy(
        asc(knowledge.projectId),
        asc(knowledge.patternType),
        asc(knowledge.pattern),
        asc(knowledge.strategy),
      );

  it('leaves every row as learning them one after the other does', async () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    for (const outcome of RUN) {
      await one.db.transaction((tx) => learnOutcome(tx, outcome, now));
    }
    await all.db.transaction((tx) => learnOutcomes(tx, RUN, now));
    const expected = await rowsOf(one);
    expect(expected).toHaveLength(9);
    expect(await rowsOf(all)).toEqual(expected);
    // The run did reach what it is meant to check.
    const fp1 = expected.find((r) => r.projectId === 'a' && r.pattern === 'fp1');
    expect(fp1).toMatchObject({ attempts: 5, successes: 1, consecutiveFailures: 1 });
    expect(fp1?.blockedUntil).not.toBeNull();
    const kind = expected.find((r) => r.pattern === 'api_down' && r.strategy === 'restart_service');
    expect(kind).toMatchObject({ projectId: 'a', attempts: 8, successes: 2 });
    const page = expected.find((r) => r.pattern === 'fp3');
    expect(page?.blockedUntil).toBeNull();
    expect(
      expected.find((r) => r.pattern === 'fp2' && r.strategy === 'restart_service'),
    ).toMatchObject({
      developerFix: 'raise the pool size',
    });
  });
});
