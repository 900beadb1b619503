import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalations } from '../src/db/schema.js';
import { decisions, eventually, healthFault, sendBackend, settle } from './decide-helpers.js';
import { collectorPerSuite, STORES } from './harness.js';

let server: Server;
let url = '';
const posts: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const INJECTED = 'rm & <!channel> <@U123> <http://evil.example|click here> `code';

describe.each(STORES)('escalations are batched and escaped on $name', ({ name, create }) => {
  // The default window of a minute: what follows the first post waits for it.
  const settings = decisions({ escalationWebhookUrl: 'http://127.0.0.1:1/unset' });
  const suite = collectorPerSuite(create, settings);
  beforeAll(() => {
    posts.length = 0;
    settings.decisions.escalationWebhookUrl = url;
  });

  it('posts a burst of escalations as at most one message a minute, error text escaped', async () => {
    const faults = Array.from({ length: 12 }, (_, i) => ({
      ...healthFault('api_down', `burst-${name}-${i}`),
      message: `${INJECTED} ${i}`,
    }));
    await sendBackend(suite.base, 'gateway', faults);
    await settle(suite.collector);
    await eventually(async () => (posts.length > 0 ? true : undefined));
    expect(posts).toHaveLength(1);

    // Stopping posts what waits for the window, in one message.
    await suite.collector.decisions.close();
    expect(posts.length).toBeLessThanOrEqual(2);
    const rows = await suite.collector.database.db.select().from(escalations);
    expect(rows).toHaveLength(12);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    const all = posts.join('\n');
    for (const raw of ['<!channel>', '<@U123>', '<http://evil.example', ' & <']) {
      expect(all).not.toContain(raw);
    }
    expect(all).toContain(
      '&amp; &lt;!channel&gt; &lt;@U123&gt; &lt;http://evil.example|click here&gt;',
    );
    expect(all).not.toContain('`code');
  });
});
