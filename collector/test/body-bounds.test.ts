import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { projects } from '../src/db/schema.js';
import { hashSecret } from '../src/store/keys.js';
import { collectorPerSuite, event, KEY, STORES, serviceKey } from './harness.js';

const OTHER_KEY = 'shp_bounds-other-project-key';
const MB = 1024 * 1024;

/** What a raw request ended with: a status, or the connection closed without one. */
type Ending = { status: number; body: string } | { closed: true };

/**
 * Opens a request from `localAddress` declaring `declared` bytes (or chunked when undefined),
 * writes `sent` and leaves the rest unsent, like a slow or idle client.
 */
function rawPost(
  base: string,
  path: string,
  options: { key?: string; localAddress?: string; declared?: number; sent?: string },
): Promise<Ending> {
  const url = new URL(path, base);
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: options.localAddress,
        agent: false,
        headers: {
          authorization: `Bearer ${options.key ?? KEY}`,
          'content-type': 'application/json',
          ...(options.declared === undefined
            ? { 'transfer-encoding': 'chunked' }
            : { 'content-length': String(options.declared) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          req.destroy();
        });
        res.on('error', () => resolve({ closed: true }));
      },
    );
    req.on('error', () => resolve({ closed: true }));
    req.flushHeaders();
    if (options.sent) req.write(options.sent);
  });
}

/** Sends a small report from `localAddress` and answers its status. */
async function reportFrom(base: string, localAddress: string, key = KEY): Promise<number> {
  const body = JSON.stringify({ agent: 'frontend', events: [event()] });
  const ending = await new Promise<Ending>((resolve) => {
    const url = new URL('/api/report', base);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: '' }));
      },
    );
    req.on('error', () => resolve({ closed: true }));
    req.end(body);
  });
  return 'status' in ending ? ending.status : 0;
}

describe.each(STORES)('request bodies are bounded on $name', ({ create }) => {
  const suite = collectorPerSuite(create, { bodyTimeoutMs: 1_500 });

  it('answers a declared 200 MB ack body 413 without reading it', async () => {
    const ending = await rawPost(suite.base, '/api/commands/some-id/ack', {
      key: await serviceKey(suite.base, 'svc'),
      declared: 200 * MB,
      sent: '{"type":"command_ack",',
    });
    expect(ending).toMatchObject({ status: 413 });
    expect('body' in ending && ending.body).toContain('16384 bytes');
  });

  it('stops reading a chunked ack body at its few-KB limit', async () => {
    const ending = await rawPost(suite.base, '/api/commands/some-id/ack', {
      key: await serviceKey(suite.base, 'svc'),
      sent: `{"pad":"${'x'.repeat(64 * 1024)}`,
    });
    expect(ending).toMatchObject({ status: 413 });
  });

  it('still takes a well-formed ack (404 for a command it does not know)', async () => {
    const res = await fetch(`${suite.base}/api/commands/nope/ack`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await serviceKey(suite.base, 'svc')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        type: 'command_ack',
        protocolVersion: 1,
        commandId: 'nope',
        agentId: 'svc:h1',
        accepted: true,
        receivedAt: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(404);
  });

  it('answers a declared 200 MB report 413, not 503', async () => {
    const ending = await rawPost(suite.base, '/api/report', { declared: 200 * MB, sent: '{' });
    expect(ending).toMatchObject({ status: 413 });
  });

  it('keeps taking other clients’ reports while one holds 64 idle 1 MB bodies, and drops them in time', async () => {
    await suite.collector.database.db
      .insert(projects)
      .values({ id: 'bounds-other', name: 'Other', keyHash: hashSecret(OTHER_KEY) })
      .onConflictDoNothing();
    const idle = Array.from({ length: 64 }, () =>
      rawPost(suite.base, '/api/report', {
        localAddress: '127.0.0.2',
        declared: 1 * MB,
        sent: '{"agent":"frontend","events":[',
      }),
    );
    // While they hang: another project from another address, and the same project from a third.
    for (let i = 0; i < 5; i++) {
      expect(await reportFrom(suite.base, '127.0.0.3', OTHER_KEY)).toBe(202);
      expect(await reportFrom(suite.base, '127.0.0.4')).toBe(202);
    }
    const endings = await Promise.all(idle);
    const statuses = endings.map((e) => ('status' in e ? e.status : 'closed'));
    // The first 8 MB are held until the body timeout drops them; the rest are refused at once.
    expect(statuses.filter((s) => s === 503)).toHaveLength(56);
    expect(statuses.filter((s) => s === 408 || s === 'closed')).toHaveLength(8);
    // Their reservations were given back: the same client is served again.
    expect(await reportFrom(suite.base, '127.0.0.2')).toBe(202);
  });
});
