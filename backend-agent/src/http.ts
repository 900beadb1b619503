import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { normalizeUrl } from '@selfheal/shared';
import type { BackendAgent } from './agent.js';

/** How to name a request's route; default its path with ids and numbers replaced. */
export type RouteOf = (req: IncomingMessage) => string;

const defaultRoute: RouteOf = (req) => normalizeUrl((req.url ?? '/').split('?')[0] ?? '/');

/**
 * Wraps a plain Node request listener: counts requests, reports 5xx and thrown or rejected
 * errors (answering 500 if nothing was sent), and answers 503 while a restart drains.
 */
export function withSelfheal(
  agent: BackendAgent,
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  routeOf: RouteOf = defaultRoute,
): RequestListener {
  return (req, res) => {
    if (agent.draining) {
      res.writeHead(503, { connection: 'close', 'retry-after': '1', 'content-type': 'text/plain' });
      res.end('Service restarting');
      return;
    }
    const done = agent.trackRequest();
    const started = performance.now();
    let thrown: unknown;
    res.once('close', () => {
      done();
      agent.recordRequest({
        method: req.method ?? 'GET',
        route: routeOf(req),
        status: thrown !== undefined && !res.headersSent ? 500 : res.statusCode,
        durationMs: performance.now() - started,
        ...(thrown !== undefined ? { error: thrown } : {}),
      });
    });
    const fail = (error: unknown) => {
      thrown = error;
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'text/plain');
      }
      res.end(res.headersSent ? undefined : 'Internal Server Error');
    };
    try {
      const result = handler(req, res);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

/** Closes `server` when a restart drains, so it takes no new connections. */
export function drainOnRestart(agent: BackendAgent, server: Server): () => void {
  return agent.onDrain(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections?.();
        setTimeout(resolve, 100).unref();
      }),
  );
}
