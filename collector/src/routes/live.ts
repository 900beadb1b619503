import { upgradeWebSocket } from '@hono/node-server';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { PROTOCOL_VERSION } from '@selfheal/shared/protocol';
import { requireAdmin } from '../auth.js';
import { ProblemError } from '../errors.js';
import type { LiveHub } from '../live/hub.js';
import { problemResponses } from './openapi.js';

/** What the live route needs. */
export interface LiveRouteDeps {
  hub: LiveHub;
  adminTokenHash: string;
  instance: string;
}

/** Mounts the WebSocket `/ws/dashboard` (admin token as bearer or `?token=`). */
export function mountLive(app: OpenAPIHono, deps: LiveRouteDeps): void {
  const route = createRoute({
    method: 'get',
    path: '/ws/dashboard',
    summary: 'WebSocket of live updates (DashboardUpdate messages as JSON text frames)',
    description:
      'Upgrade with the admin token as a bearer token or `?token=`, and `?project=` (default `default`). The first message is `hello`; then every new report, issue change, decision and escalation of that project, from every collector on the same store.',
    security: [{ adminToken: [] }],
    middleware: [requireAdmin(deps.adminTokenHash, true)],
    responses: { 101: { description: 'Switching protocols' }, ...problemResponses(401, 403, 426) },
  });
  const upgrade = upgradeWebSocket((c) => {
    const project = c.req.query('project') || 'default';
    let remove = () => {};
    return {
      onOpen(_event, ws) {
        ws.send(
          JSON.stringify({
            type: 'hello',
            protocolVersion: PROTOCOL_VERSION,
            instance: deps.instance,
          }),
        );
        remove = deps.hub.add({
          project,
          send: (text) => ws.send(text),
          get bufferedAmount() {
            return (ws.raw as { bufferedAmount?: number } | undefined)?.bufferedAmount ?? 0;
          },
          close: (code, reason) => ws.close(code, reason),
        });
      },
      onClose() {
        remove();
      },
      onError() {
        remove();
      },
    };
  });
  app.openapi(route, async (c, next) => {
    const upgraded = await upgrade(c, next);
    if (upgraded) return upgraded;
    throw new ProblemError({
      status: 426,
      title: 'Upgrade required',
      detail: 'this route speaks WebSocket only',
      headers: { Upgrade: 'websocket' },
    });
  });
}
