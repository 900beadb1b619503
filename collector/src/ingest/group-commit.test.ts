import type { ReportAck } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../errors.js';
import { createGroupCommit } from './group-commit.js';
import { type IngestReport, toIngestReport } from './normalize.js';

const report = (id: string, events = 1): IngestReport => ({
  ...toIngestReport(
    'project',
    {
      agent: 'frontend',
      events: Array.from({ length: events }, (_, i) => ({
        id: `${id}-${i}`,
        type: 'error' as const,
        message: 'boom',
        timestamp: 1,
      })),
    },
    new Date(),
  ),
  reportId: id,
});

const ackAll = async (batch: IngestReport[]): Promise<ReportAck[]> =>
  batch.map((r) => ({ accepted: r.events.length, duplicates: 0 }));

describe('group commit', () => {
  it('writes reports that arrive together in one batch', async () => {
    const batches: string[][] = [];
    const commit = createGroupCommit(
      async (batch) => {
        batches.push(batch.map((r) => r.reportId));
        return ackAll(batch);
      },
      { maxBatchEvents: 100, maxQueuedEvents: 1_000, concurrency: 1 },
    );
    const acks = await Promise.all(['a', 'b', 'c'].map((id) => commit.submit(report(id, 2))));
    expect(acks).toEqual([
      { accepted: 2, duplicates: 0 },
      { accepted: 2, duplicates: 0 },
      { accepted: 2, duplicates: 0 },
    ]);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('keeps batches within maxBatchEvents', async () => {
    const sizes: number[] = [];
    const commit = createGroupCommit(
      async (batch) => {
        sizes.push(batch.reduce((n, r) => n + r.events.length, 0));
        return ackAll(batch);
      },
      { maxBatchEvents: 5, maxQueuedEvents: 1_000, concurrency: 1 },
    );
    await Promise.all(Array.from({ length: 6 }, (_, i) => commit.submit(report(`r${i}`, 2))));
    expect(sizes).toEqual([4, 4, 4]);
  });

  it('retries a failed batch report by report, so one bad report fails alone', async () => {
    const commit = createGroupCommit(
      async (batch) => {
        if (batch.some((r) => r.reportId === 'poison')) throw new Error('bad row');
        return ackAll(batch);
      },
      { maxBatchEvents: 100, maxQueuedEvents: 1_000, concurrency: 1 },
    );
    const results = await Promise.allSettled(
      ['a', 'poison', 'b'].map((id) => commit.submit(report(id))),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('refuses with 503 and Retry-After once the queue is full, and accepts again after', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const commit = createGroupCommit(
      async (batch) => {
        await gate;
        return ackAll(batch);
      },
      { maxBatchEvents: 100, maxQueuedEvents: 10, concurrency: 1 },
    );
    const first = commit.submit(report('a', 6));
    const refused = commit.submit(report('b', 6));
    await expect(refused).rejects.toBeInstanceOf(ProblemError);
    await expect(refused).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
    expect(commit.queuedEvents).toBe(6);
    release();
    await first;
    await commit.drain();
    expect(commit.queuedEvents).toBe(0);
    await expect(commit.submit(report('c', 6))).resolves.toEqual({ accepted: 6, duplicates: 0 });
  });
});
