import type { MiddlewareHandler } from 'hono';
import type { BackendAgent } from './agent.js';

/**
 * Hono middleware: counts every request by route pattern, reports 5xx answers and thrown errors
 * (with route and status), and answers 503 while a restart drains.
 */
export function selfheal(agent: BackendAgent): MiddlewareHandler {
  return async (c, next) => {
    if (agent.draining) {
      c.header('Connection', 'close');
      c.header('Retry-After', '1');
      return c.text('Service restarting', 503);
    }
    const done = agent.trackRequest();
    const started = performance.now();
    let thrown: unknown;
    try {
      await next();
    } catch (error) {
      thrown = error;
      throw error;
    } finally {
      done();
      const error = thrown ?? c.error;
      agent.recordRequest({
        method: c.req.method,
        route: c.req.routePath || new URL(c.req.url).pathname,
        status: thrown !== undefined ? 500 : c.res.status,
        durationMs: performance.now() - started,
        ...(error !== undefined ? { error } : {}),
      });
    }
  };
}
