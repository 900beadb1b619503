import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events } from '../src/db/schema.js';
import { decisions, settle } from './decide-helpers.js';
import { adminGet, collectorPerSuite, event, report, STORES } from './harness.js';

describe.each(STORES)('sampling raw events on $name', ({ create }) => {
  const suite = collectorPerSuite(create, {
    ...decisions(),
    sampling: { enabled: true, firstPerWindow: 2, windowMs: 3_600_000 },
  });

  it('counts every event once and keeps the first, the newest and a new release whole', async () => {
    const fingerprint = `fp-sampled-${randomUUID().slice(0, 8)}`;
    const fault = (data: Record<string, unknown> = { release: '1.0.0' }) =>
      event({ kind: 'type_error', severity: 'medium', fingerprint, data });
    const page = (events: unknown[]) => ({ agent: 'frontend', sessionId: 's-1', events });
    const first = page(Array.from({ length: 10 }, () => fault()));
    const sent = [first, page([fault(), fault(), fault()]), page([fault({ release: '1.0.1' })])];
    for (const body of sent) expect((await report(suite.base, body)).status).toBe(202);
    // A resend is a duplicate, whether its events kept their payload or not.
    expect(await (await report(suite.base, first)).json()).toEqual({
      accepted: 0,
      duplicates: 10,
    });
    await settle(suite.collector);

    const { issue, events: shown } = await adminGet(suite.base, `/api/issues/${fingerprint}`);
    expect(issue.count).toBe(14);
    const { db } = suite.collector.database;
    const stored = await db
      .select({ kept: events.kept, message: events.message, stack: events.stack, n: count() })
      .from(events)
      .where(eq(events.fingerprint, fingerprint))
      .groupBy(events.kept, events.message, events.stack);
    const kept = stored.find((r) => r.kept);
    const dropped = stored.find((r) => !r.kept);
    // The first two and the newest of each report, then the new release: 2 + 1 + 1 + 1.
    expect(kept?.n).toBe(5);
    expect(kept?.message).toMatch(/TypeError/);
    expect(dropped).toEqual({ kept: false, message: null, stack: null, n: 9 });
    // The issue shows whole events only, newest first: the new release.
    expect(shown).toHaveLength(5);
    expect(shown[0].data).toEqual({ release: '1.0.1' });
    expect(shown.every((e: { stack?: string }) => e.stack?.includes('at render'))).toBe(true);

    // Every event counts toward the persistence trigger (5 within the window): one decision.
    const { decisions: made } = await adminGet(
      suite.base,
      `/api/decisions?fingerprint=${fingerprint}`,
    );
    expect(made).toHaveLength(1);
  });
});
