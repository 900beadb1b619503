import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../check.js';
import { cpuCheck } from './cpu.js';
import { eventLoopCheck } from './event-loop.js';
import { httpCheck } from './http.js';
import { tcpCheck } from './tcp.js';

describe('built-in checks against the real thing', () => {
  it('http: passes on 2xx, fails on 5xx and on a refused connection', async () => {
    let status = 200;
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    try {
      expect((await runCheck(httpCheck({ url }), 1_000)).status).toBe('pass');
      status = 503;
      expect(await runCheck(httpCheck({ url }), 1_000)).toMatchObject({
        status: 'fail',
        message: `${url} answered 503`,
      });
    } finally {
      server.close();
    }
    expect((await runCheck(httpCheck({ url }), 1_000)).status).toBe('fail');
  });

  it('tcp: passes while something listens, fails once it is gone', async () => {
    const server = createTcpServer((socket) => socket.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const check = tcpCheck({ host: '127.0.0.1', port, name: 'db', kind: 'db_down' });
    expect((await runCheck(check, 1_000)).status).toBe('pass');
    await new Promise((r) => server.close(r));
    expect((await runCheck(check, 1_000)).status).toBe('fail');
  });

  it('event loop: a 600 ms block fails a 250 ms limit, a free loop passes', async () => {
    const check = eventLoopCheck({ maxDelayMs: 250 });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const until = Date.now() + 600;
      while (Date.now() < until) {
        // Block the loop, as a synchronous hot path in a service would.
      }
      await new Promise((r) => setTimeout(r, 50));
      const blocked = await runCheck(check, 1_000);
      expect(blocked.status).toBe('fail');
      expect(blocked.value).toBeGreaterThan(250);
      await new Promise((r) => setTimeout(r, 200));
      expect((await runCheck(check, 1_000)).status).toBe('pass');
    } finally {
      check.dispose?.();
    }
  });

  it('cpu: a busy process fails a low limit, an idle one passes', async () => {
    const check = cpuCheck({ maxCoreRatio: 0.5 });
    const until = Date.now() + 200;
    while (Date.now() < until) {
      // Burn CPU.
    }
    expect((await runCheck(check, 1_000)).status).toBe('fail');
    await new Promise((r) => setTimeout(r, 300));
    expect((await runCheck(check, 1_000)).status).toBe('pass');
  });
});
