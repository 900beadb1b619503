import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the proxy treats a request: forward it, fail it, or forward it and lose the answer. */
export type ProxyMode = 'pass' | 'down' | 'lose-answer';

/** An HTTP proxy in front of the collector that can play an outage. */
export interface OutageProxy {
  base: string;
  mode: ProxyMode;
  /** Requests whose answer the proxy threw away after the collector had handled them. */
  lost: number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` on a free port of 127.0.0.1. */
export async function startProxy(target: string): Promise<OutageProxy> {
  const upstream = new URL(target);
  const proxy: OutageProxy = { base: '', mode: 'pass', lost: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    if (proxy.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const mode = proxy.mode;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        if (mode === 'lose-answer') {
          answer.resume();
          answer.on('end', () => {
            proxy.lost += 1;
            req.socket.destroy();
          });
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
