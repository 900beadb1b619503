import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { commandAckSchema, commandBatchSchema, LIMITS } from '@selfheal/shared/protocol';
import type { MiddlewareHandler } from 'hono';
import { forbidden, type KeyVariables, requireKey } from '../auth.js';
import type { Clock } from '../clock.js';
import type { CommandChannel } from '../commands/channel.js';
import {
  acknowledgeCommand,
  type CommandRow,
  REDELIVER_AFTER_MS,
  takeCommands,
  toCommand,
} from '../commands/store.js';
import type { Db } from '../db/database.js';
import { problem } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { assertProtocolVersion, protocolVersionOf } from '../protocol-check.js';
import type { Keyring, Principal } from '../store/keyring.js';
import { boundedBody } from './body-bounds.js';
import type { BodyBudget } from './body-budget.js';
import { problemResponses } from './openapi.js';

/** What the command channel's routes need. */
export interface CommandRouteDeps {
  db: Db;
  keys: Keyring;
  channel: CommandChannel;
  clock: Clock;
  metrics: Metrics;
  /** Request-body bytes held at once, in total, per client and per project. */
  bodyBudget: BodyBudget;
  /** How long a body may take to arrive. */
  bodyTimeoutMs: number;
  /** Called after an acknowledgement is stored (or found already stored). */
  onAck(row: CommandRow, changed: boolean): Promise<void>;
}

const name = z.string().min(1).max(LIMITS.maxNameLength);
const pollQuery = z.object({
  service: name
    .optional()
    .meta({ description: "The service the agent runs in; must be the service key's own." }),
  agent: name.meta({ description: 'A stable id of the agent, such as `service:hostname`.' }),
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(30)
    .default(25)
    .meta({ description: 'Longest seconds to hold the request when nothing is waiting.' }),
  protocolVersion: z.coerce.number().int().min(1).optional(),
});

/** The project and service a service key stands for; a poll naming another service is refused. */
function ownService(principal: Principal, named?: string): { project: string; service: string } {
  if (principal.role !== 'service') throw forbidden('the command channel needs a service key');
  if (named !== undefined && named !== principal.service) {
    throw forbidden(
      `this key is the service ${principal.service}; it may not take commands of ${named.slice(0, 128)}`,
    );
  }
  return { project: principal.project.id, service: principal.service };
}

/** An acknowledgement is a few hundred bytes; anything near this is not one. */
const ACK_BODY_MAX_BYTES = 16 * 1024;

/** Refuses a body written for a newer protocol before its shape is checked. */
const versionGuard: MiddlewareHandler = async (c, next) => {
  let body: unknown;
  try {
    // Already read, within its bounds, by `boundedBody`: this is the kept copy.
    body = JSON.parse(await c.req.text());
  } catch {
    body = undefined;
  }
  assertProtocolVersion(protocolVersionOf(body));
  await next();
};

/** Mounts the long-poll command channel: `GET /api/commands` and `POST /api/commands/{id}/ack`. */
export function mountCommands(app: OpenAPIHono, deps: CommandRouteDeps): void {
  const scoped = app as unknown as OpenAPIHono<{ Variables: KeyVariables }>;
  const auth = requireKey(deps.keys, 'the command channel');
  const ackBody = boundedBody(deps.bodyBudget, {
    maxBytes: ACK_BODY_MAX_BYTES,
    timeoutMs: deps.bodyTimeoutMs,
  });

  const poll = createRoute({
    method: 'get',
    path: '/api/commands',
    summary: 'Long-poll the commands waiting for a service',
    description:
      "Authenticate with the service's key (the project key is refused with 403); the service is the key's. Answers at once when commands are waiting for the service (not acknowledged, not expired), else holds the request up to `wait` seconds and answers as soon as one is stored, on this collector or any other on the same store. A delivered command is delivered again on later polls (after 5 s) until it is acknowledged.",
    security: [{ serviceKey: [] }],
    middleware: [auth] as const,
    request: { query: pollQuery },
    responses: {
      200: {
        description: 'The waiting commands (possibly none)',
        content: { 'application/json': { schema: commandBatchSchema } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  scoped.openapi(poll, async (c) => {
    const query = c.req.valid('query');
    assertProtocolVersion(query.protocolVersion);
    const { project, service } = ownService(c.var.principal, query.service);
    const where = { project, service, agentId: query.agent };
    const deadline = Date.now() + query.wait * 1000;
    const signal = c.req.raw.signal;
    for (;;) {
      const rows = await takeCommands(deps.db, where, deps.clock.now());
      const left = deadline - Date.now();
      if (rows.length > 0) {
        deps.metrics.inc(
          'selfheal_commands_total',
          { event: 'delivered', target: 'service' },
          rows.length,
        );
      }
      if (rows.length > 0 || left <= 0 || signal.aborted || deps.channel.closed) {
        return c.json({ type: 'commands' as const, commands: rows.map(toCommand) }, 200);
      }
      // Also look again after the redelivery delay, for a command delivered and never acknowledged.
      await deps.channel.wait(project, service, Math.min(left, REDELIVER_AFTER_MS), signal);
    }
  });

  const ack = createRoute({
    method: 'post',
    path: '/api/commands/{id}/ack',
    summary: 'Acknowledge (or refuse) a command',
    description:
      'Authenticate with the key of the service the command was issued to; a command of another service is answered 404. Idempotent: acknowledging again changes nothing. The result of the fix travels later as `fix_attempt` and `fix_outcome` events with `data.commandId`.',
    security: [{ serviceKey: [] }],
    middleware: [auth, ackBody, versionGuard] as const,
    request: {
      params: z.object({ id: z.string().min(1).max(LIMITS.maxIdLength) }),
      body: { content: { 'application/json': { schema: commandAckSchema } }, required: true },
    },
    responses: {
      200: {
        description: 'Recorded',
        content: {
          'application/json': {
            schema: z.object({
              commandId: z.string(),
              status: z.string().meta({ description: 'The command status now.' }),
            }),
          },
        },
      },
      ...problemResponses(400, 401, 403, 404, 408, 413, 503),
    },
  });
  scoped.openapi(ack, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.commandId !== id) {
      throw problem(
        400,
        'Invalid request',
        `body.commandId is ${body.commandId.slice(0, 64)}, the path names ${id.slice(0, 64)}`,
      );
    }
    const { project, service } = ownService(c.var.principal);
    const result = await acknowledgeCommand(deps.db, { project, service }, body, deps.clock.now());
    if (!result)
      throw problem(404, 'Not found', `service ${service} has no command ${id.slice(0, 128)}`);
    await deps.onAck(result.row, result.changed);
    return c.json({ commandId: id, status: result.row.status }, 200);
  });
}
