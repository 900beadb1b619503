import { randomBytes, randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { projects } from '../src/db/schema.js';
import { hashSecret } from '../src/store/keys.js';
import { ADMIN, collectorPerSuite, STORES } from './harness.js';

const DSN_KEY = 'shp_1123456789abcdef0123456789abcdef0123456789abcdef';
const OTHER_KEY = 'shp_2223456789abcdef0123456789abcdef0123456789abcdef';

type Item = { header: Record<string, unknown> | string; payload: string | Buffer };

/** An envelope: a header line, then each item's header line and payload. */
function envelope(items: Item[], header: Record<string, unknown> = {}): Buffer {
  const parts: Buffer[] = [Buffer.from(`${JSON.stringify(header)}\n`)];
  for (const item of items) {
    const head = typeof item.header === 'string' ? item.header : JSON.stringify(item.header);
    parts.push(Buffer.from(`${head}\n`), Buffer.from(item.payload), Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** A browser SDK's error event with a fresh id and a message of its own. */
function sentryEvent(message: string, extra: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID().replaceAll('-', ''),
    timestamp: Date.now() / 1000,
    platform: 'javascript',
    level: 'error',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: message,
          mechanism: { type: 'auto.browser.global_handlers.onerror', handled: false },
          stacktrace: {
            frames: [
              {
                filename: 'https://shop.example/assets/app.js',
                function: 'main',
                lineno: 1,
                colno: 1,
              },
              {
                filename: 'https://shop.example/assets/app.js',
                function: 'render',
                lineno: 10,
                colno: 5,
              },
            ],
          },
        },
      ],
    },
    request: { url: 'https://shop.example/cart' },
    ...extra,
  };
}

/** An `event` item holding `event`, with its length. */
function eventItem(event: unknown): Item {
  const payload = Buffer.from(JSON.stringify(event));
  return { header: { type: 'event', length: payload.length }, payload };
}

describe.each(STORES)('Sentry envelopes, well and badly formed ($name)', (store) => {
  const suite = collectorPerSuite(store.create, { projectKey: DSN_KEY, aggregateDelayMs: 20 });

  beforeAll(async () => {
    await suite.collector.database.db.insert(projects).values({
      id: 'other',
      name: 'Other',
      keyHash: hashSecret(OTHER_KEY),
      publicKey: OTHER_KEY,
    });
  });

  const post = (
    body: Buffer | string,
    {
      project = '1',
      key = DSN_KEY,
      headers = {} as Record<string, string>,
      path = 'envelope',
    } = {},
  ) =>
    fetch(`${suite.base}/api/${project}/${path}/?sentry_key=${key}&sentry_version=7`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', ...headers },
      body,
    });

  /** Titles of the stored issues of `project`. */
  const titles = async (project = 'default') => {
    await suite.collector.decisions.idle();
    const res = await fetch(`${suite.base}/api/issues?project=${project}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const body = (await res.json()) as { issues: Array<{ title: string; count: number }> };
    return new Map(body.issues.map((issue) => [issue.title, issue.count]));
  };

  const problem = async (res: Response) => {
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return (await res.json()) as { detail: string; errors?: Array<{ field: string }> };
  };

  it('stores an event item and reads past the others, answering its id', async () => {
    const event = sentryEvent('plain envelope');
    const res = await post(
      envelope(
        [
          {
            header: { type: 'session' },
            payload: JSON.stringify({ sid: randomUUID(), status: 'ok' }),
          },
          eventItem(event),
          { header: { type: 'client_report' }, payload: JSON.stringify({ discarded_events: [] }) },
          { header: { type: 'some_future_item', length: 3 }, payload: 'abc' },
        ],
        { event_id: event.event_id },
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: event.event_id });
    expect((await titles()).get('TypeError: plain envelope')).toBe(1);
    const metrics = await fetch(`${suite.base}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    }).then((r) => r.text());
    expect(metrics).toMatch(/selfheal_sentry_items_total\{type="session",outcome="ignored"\} 1\n/);
    expect(metrics).toMatch(/selfheal_sentry_items_total\{type="other",outcome="ignored"\} 1\n/);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('reads an envelope sent with Content-Encoding %s', async (encoding, compress) => {
    const res = await post(compress(envelope([eventItem(sentryEvent(`encoded ${encoding}`))])), {
      headers: { 'content-encoding': encoding },
    });
    expect(res.status).toBe(200);
    expect((await titles()).get(`TypeError: encoded ${encoding}`)).toBe(1);
  });

  it('reads past a gzip envelope that expands to a 10 MB attachment, storing its event', async () => {
    const body = gzipSync(
      envelope([
        {
          header: { type: 'attachment', length: 10 * 1_048_576 },
          payload: Buffer.alloc(10 * 1_048_576),
        },
        eventItem(sentryEvent('beside a compressed attachment')),
      ]),
    );
    expect(body.length).toBeLessThan(1_048_576);
    const res = await post(body, { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect((await titles()).get('TypeError: beside a compressed attachment')).toBe(1);
  });

  it('answers 413 for a small gzip body that expands past 20 MiB, storing nothing', async () => {
    const body = gzipSync(
      envelope([
        eventItem(sentryEvent('inside a bomb')),
        {
          header: { type: 'attachment', length: 21 * 1_048_576 },
          payload: Buffer.alloc(21 * 1_048_576),
        },
      ]),
    );
    const res = await post(body, { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(413);
    expect((await titles()).has('TypeError: inside a bomb')).toBe(false);
  });

  it('answers 400 for a body that is not what its encoding says', async () => {
    const res = await post('not gzip at all', { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toMatch(/not valid gzip/);
  });

  it('answers 415 for an encoding it does not know', async () => {
    const res = await post(envelope([]), { headers: { 'content-encoding': 'zstd' } });
    expect(res.status).toBe(415);
  });

  it('stores the events before a truncated item and names the truncated one', async () => {
    const whole = envelope([eventItem(sentryEvent('before truncation'))]);
    const cut = Buffer.concat([whole, Buffer.from('{"type":"event","length":500}\n{"event_id":')]);
    const res = await post(cut);
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.errors?.map((e) => e.field)).toEqual(['items.1']);
    expect(body.detail).toMatch(/truncated.*500 bytes.*the other 1 event\(s\) were stored/);
    expect((await titles()).get('TypeError: before truncation')).toBe(1);
  });

  it('finds the next item after a length shorter than its payload', async () => {
    const res = await post(
      envelope([
        { header: { type: 'attachment', length: 3 }, payload: 'HELLO WORLD' },
        eventItem(sentryEvent('after a wrong length')),
      ]),
    );
    expect(res.status).toBe(400);
    expect((await problem(res)).errors?.map((e) => e.field)).toEqual(['items.1']);
    expect((await titles()).get('TypeError: after a wrong length')).toBe(1);
  });

  it('names an item header that is not JSON and stores the rest', async () => {
    const res = await post(
      envelope([
        {
          header: '{"type":"event",',
          payload: JSON.stringify(sentryEvent('lost with its header')),
        },
        eventItem(sentryEvent('after a bad header')),
      ]),
    );
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.errors?.map((e) => e.field)).toEqual(['items.0']);
    expect(body.detail).toMatch(/items\.0: the item header is not a JSON object/);
    const stored = await titles();
    expect(stored.get('TypeError: after a bad header')).toBe(1);
    expect(stored.has('TypeError: lost with its header')).toBe(false);
  });

  it('names an event that is not JSON, or not a Sentry event, and stores the rest', async () => {
    const res = await post(
      envelope([
        { header: { type: 'event' }, payload: '{"event_id": nope}' },
        eventItem({ ...sentryEvent('fine'), exception: { values: 'many' } }),
        eventItem(sentryEvent('the good one')),
      ]),
    );
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.errors?.map((e) => e.field)).toEqual(['items.0', 'items.1.exception']);
    expect((await titles()).get('TypeError: the good one')).toBe(1);
  });

  it('reads past a 10 MB attachment and stores the event beside it', async () => {
    const big = randomBytes(10 * 1_048_576);
    const res = await post(
      envelope([
        { header: { type: 'attachment', length: big.length, filename: 'dump.bin' }, payload: big },
        eventItem(sentryEvent('beside a big attachment')),
      ]),
    );
    expect(res.status).toBe(200);
    expect((await titles()).get('TypeError: beside a big attachment')).toBe(1);
  });

  it('refuses a 10 MB event item with 413 and stores the other event', async () => {
    const huge = sentryEvent('too big', { extra: { blob: 'x'.repeat(10 * 1_048_576) } });
    const res = await post(envelope([eventItem(huge), eventItem(sentryEvent('small neighbour'))]));
    expect(res.status).toBe(413);
    const body = await problem(res);
    expect(body.errors?.map((e) => e.field)).toEqual(['items.0']);
    const stored = await titles();
    expect(stored.get('TypeError: small neighbour')).toBe(1);
    expect(stored.has('TypeError: too big')).toBe(false);
  });

  it('answers 413 for an envelope over 20 MiB without reading it', async () => {
    const res = await fetch(`${suite.base}/api/1/envelope/?sentry_key=${DSN_KEY}`, {
      method: 'POST',
      headers: { 'content-length': String(21 * 1_048_576) },
      body: Buffer.alloc(16),
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => error);
    // The declared length is refused before the body is read (undici may give up on the socket).
    if (res instanceof Response) expect(res.status).toBe(413);
  });

  it('answers 401 without a key, 403 for a wrong key and for a key of another project', async () => {
    const body = envelope([eventItem(sentryEvent('never stored'))]);
    const none = await fetch(`${suite.base}/api/1/envelope/`, { method: 'POST', body });
    expect(none.status).toBe(401);
    expect((await post(body, { key: 'shp_not_a_key' })).status).toBe(403);
    const other = await post(body, { key: OTHER_KEY });
    expect(other.status).toBe(403);
    expect((await problem(other)).detail).toMatch(/belongs to project 2, not 1/);
    expect((await titles()).has('TypeError: never stored')).toBe(false);
  });

  it('takes the key from X-Sentry-Auth and stores under the key’s own project', async () => {
    const res = await fetch(`${suite.base}/api/2/envelope/`, {
      method: 'POST',
      headers: {
        'x-sentry-auth': `Sentry sentry_version=7, sentry_client=test/1.0, sentry_key=${OTHER_KEY}`,
      },
      body: envelope([eventItem(sentryEvent('in project two'))]),
    });
    expect(res.status).toBe(200);
    expect((await titles('other')).get('TypeError: in project two')).toBe(1);
    expect((await titles()).has('TypeError: in project two')).toBe(false);
  });

  it('takes one event on the older /store/ endpoint', async () => {
    const event = sentryEvent('through store');
    const res = await post(JSON.stringify(event), {
      path: 'store',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: event.event_id });
    expect((await titles()).get('TypeError: through store')).toBe(1);
  });

  it('answers browsers with CORS headers that expose the rate-limit headers', async () => {
    const preflight = await fetch(`${suite.base}/api/1/envelope/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const res = await post(envelope([eventItem(sentryEvent('from a page'))]), {
      headers: { origin: 'https://shop.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/X-Sentry-Rate-Limits/);
  });

  it('describes both endpoints and the DSN in /openapi.json', async () => {
    const doc = (await (await fetch(`${suite.base}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { security?: unknown[] } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    for (const path of ['/api/{projectId}/envelope/', '/api/{projectId}/store/']) {
      expect(doc.paths[path]?.post?.security).toEqual([{ sentryKey: [] }]);
    }
    expect(doc.components.schemas.Status?.properties).toHaveProperty('sentry');
    expect(doc.components.schemas).toHaveProperty('SentryEvent');
  });

  it('honours a fingerprint set in the SDK, with {{ default }} as ours', async () => {
    const grouped = ['checkout-provider', '{{ type }}'];
    for (const message of ['card declined', 'card expired']) {
      const res = await post(envelope([eventItem(sentryEvent(message, { fingerprint: grouped }))]));
      expect(res.status).toBe(200);
    }
    const usual = await post(
      envelope([eventItem(sentryEvent('card lost', { fingerprint: ['{{ default }}'] }))]),
    );
    expect(usual.status).toBe(200);
    const stored = [...(await titles())];
    // Both messages in one issue; the default grouping kept apart.
    const overridden = stored.filter(([title]) => /card (?:declined|expired)/.test(title));
    expect(overridden.map(([, count]) => count)).toEqual([2]);
    expect(stored.filter(([title]) => title === 'TypeError: card lost')).toEqual([
      ['TypeError: card lost', 1],
    ]);
  });

  it('shows no DSN for a project whose key the store does not know, and says how to get one', async () => {
    const { eq } = await import('drizzle-orm');
    await suite.collector.database.db
      .update(projects)
      .set({ publicKey: null })
      .where(eq(projects.id, 'other'));
    const res = await fetch(`${suite.base}/api/status?project=other`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const { sentry } = (await res.json()) as { sentry: { dsn: string | null; hint: string } };
    expect(sentry.dsn).toBeNull();
    expect(sentry.hint).toMatch(/PROJECT_KEY/);
  });

  it('never answers 500 to mangled envelopes and events', async () => {
    const valid = envelope([
      { header: { type: 'session' }, payload: '{"sid":"x"}' },
      eventItem(sentryEvent('mangled', { tags: [['a', 1]], contexts: { os: { name: 'x' } } })),
    ]);
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const odd = [null, 0, -1, 1e308, '', '\u0000', [], {}, [[]], { values: [null] }, true];
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      let body: Buffer;
      if (i % 3 === 0) {
        // Bytes flipped, cut or repeated anywhere in a valid envelope.
        body = Buffer.from(valid);
        for (let n = 0; n < 1 + Math.floor(random() * 4); n++) {
          body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
        }
        if (random() < 0.3) body = body.subarray(0, Math.floor(random() * body.length));
      } else {
        // A well-framed event whose fields hold values of the wrong shape.
        const event: Record<string, unknown> = sentryEvent('odd fields');
        const fields = [
          'exception',
          'message',
          'logentry',
          'timestamp',
          'level',
          'request',
          'tags',
          'contexts',
          'fingerprint',
          'event_id',
          'release',
          'platform',
          'server_name',
          'sdk',
        ];
        const field = fields[Math.floor(random() * fields.length)] as string;
        event[field] = odd[Math.floor(random() * odd.length)];
        body = envelope([eventItem(event)]);
      }
      const res = await post(body);
      statuses.add(res.status);
      expect(res.status, `case ${i}: ${body.subarray(0, 200).toString()}`).toBeLessThan(500);
      await res.arrayBuffer();
    }
    expect(statuses.has(400)).toBe(true);
  });
});
