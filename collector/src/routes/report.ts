import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { anyReportSchema, LIMITS, reportAckSchema } from '@selfheal/shared/protocol';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { type KeyVariables, requireKey } from '../auth.js';
import type { Clock } from '../clock.js';
import type { Recommendations } from '../commands/recommend.js';
import { isStoreUnreachable, ProblemError } from '../errors.js';
import { authorizeReport } from '../ingest/authorize.js';
import type { GroupCommit } from '../ingest/group-commit.js';
import { assertWithinRetention, parseReport, toIngestReport } from '../ingest/normalize.js';
import type { RateLimiter } from '../ingest/rate-limit.js';
import type { Metrics } from '../metrics.js';
import { allowsOrigin, type Keyring, type Project } from '../store/keyring.js';
import { retentionCutoff } from '../store/retention.js';
import { boundedBody } from './body-bounds.js';
import type { BodyBudget } from './body-budget.js';
import { problemResponses } from './openapi.js';
import { readJsonBody } from './read-body.js';

/** What the report route needs. */
export interface ReportRouteDeps {
  ingest: GroupCommit;
  keys: Keyring;
  metrics: Metrics;
  limiter: RateLimiter;
  /** Request-body bytes held at once, in total, per client and per project. */
  bodyBudget: BodyBudget;
  /** How long a body may take to arrive. */
  bodyTimeoutMs: number;
  logger: Logger;
  /** Page commands for the fingerprints of a stored report. */
  recommendations: Recommendations;
  /** Stamps `receivedAt`, which verification windows are measured against. */
  clock: Clock;
  /** Days of events kept; an older event is refused, since it could not be deduplicated. */
  retentionDays: number;
}

type IngestEnv = { Variables: KeyVariables };

/** Either key: a page's project key or a service's own key. */
const REPORT_SECURITY: Array<Record<string, string[]>> = [{ projectKey: [] }, { serviceKey: [] }];

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Max-Age': '600',
};

/** Mounts `POST /api/report` and its CORS preflight. */
export function mountReport(app: OpenAPIHono, deps: ReportRouteDeps): void {
  const refuse = (reason: string, events = 0) => {
    deps.metrics.inc('selfheal_reports_refused_total', { reason });
    if (events > 0) deps.metrics.inc('selfheal_events_refused_total', { reason }, events);
  };

  /** The project's own list when it is known, else whether any project allows the origin. */
  const originAllowed = async (project: Project | undefined, origin: string) =>
    project ? allowsOrigin(project, origin) : deps.keys.anyAllows(origin).catch(() => false);

  app.options('/api/report', async (c) => {
    const origin = c.req.header('origin');
    const key = c.req.query('key');
    const principal = key ? await deps.keys.resolve(key).catch(() => undefined) : undefined;
    const project = principal?.project;
    if (!origin || !(await originAllowed(project, origin))) return c.body(null, 403);
    return c.body(null, 204, {
      ...CORS_HEADERS,
      'Access-Control-Allow-Origin': origin,
      Vary: 'Origin',
    });
  });

  // Set on every answer, errors included, so a page's agent can read a 503's Retry-After.
  const cors: MiddlewareHandler<IngestEnv> = async (c, next) => {
    await next();
    const origin = c.req.header('origin');
    if (!origin) return;
    // Unset when the request was refused before its key was checked.
    const project: Project | undefined = c.get('principal')?.project;
    if (!(await originAllowed(project, origin))) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After');
    c.res.headers.append('Vary', 'Origin');
  };

  const limits = { maxBytes: LIMITS.maxBodyBytes, timeoutMs: deps.bodyTimeoutMs };
  const middleware: [typeof cors, MiddlewareHandler<IngestEnv>, MiddlewareHandler<IngestEnv>] = [
    cors,
    requireKey(deps.keys),
    boundedBody(deps.bodyBudget, limits, (reason) => refuse(reason)),
  ];
  const route = createRoute({
    method: 'post',
    path: '/api/report',
    summary: 'Send a batch of events (or one event in the original form)',
    description:
      'Authenticate with the project key (page reports: `agent: "frontend"`, no health checks, fix events of page strategies only) or a service key (the agent is `backend` and the service is the key\'s, whatever the body says; a report naming another service is refused), as a bearer token or `?key=` for sendBeacon. The body is JSON; `text/plain` is accepted too, so the body is parsed by the ingest path rather than by the route. Answers once the events are durably stored; a resent event id counts as a duplicate.',
    security: REPORT_SECURITY,
    middleware,
    request: {
      query: z.object({
        key: z.string().optional().meta({ description: 'The project key, for sendBeacon.' }),
      }),
      body: {
        content: { 'application/json': { schema: anyReportSchema } },
        required: true,
      },
    },
    responses: {
      202: { description: 'Stored', content: { 'application/json': { schema: reportAckSchema } } },
      ...problemResponses(400, 401, 403, 408, 413, 429, 500, 503),
    },
  });

  // The route is documented as defined, body included; the body itself is parsed by the
  // ingest path, since sendBeacon sends it as text/plain and its size is checked first.
  app.openAPIRegistry.registerPath(route);
  const { body: _body, ...request } = route.request;
  app.openapi({ ...route, request, hide: true }, async (c) => {
    const started = performance.now();
    const principal = c.var.principal;
    const project = principal.project;
    const origin = c.req.header('origin');
    if (origin && !allowsOrigin(project, origin)) {
      refuse('origin');
      throw new ProblemError({
        status: 403,
        title: 'Forbidden',
        detail: `origin ${origin.slice(0, 200)} may not send to this project`,
      });
    }
    const now = deps.clock.now();
    let report: ReturnType<typeof parseReport>;
    try {
      report = authorizeReport(principal, parseReport(await readJsonBody(c), now));
      assertWithinRetention(report, retentionCutoff(deps.retentionDays, now), deps.retentionDays);
    } catch (error) {
      const status = error instanceof ProblemError ? error.status : 400;
      refuse(status === 413 ? 'too_large' : status === 403 ? 'forbidden' : 'invalid');
      throw error;
    }
    const events = report.events.length;
    const wait = deps.limiter.take(project.id, events, now);
    if (wait !== undefined) {
      refuse('rate_limited', events);
      throw new ProblemError({
        status: 429,
        title: 'Too many events',
        detail: `this project sends more events than its rate limit allows; retry in ${wait} s`,
        headers: { 'Retry-After': String(wait) },
      });
    }
    // Outside the try below: a failure here is a bug, answered 500, never a retryable 503.
    const ingestReport = toIngestReport(project.id, report, new Date(now));
    let ack: Awaited<ReturnType<GroupCommit['submit']>>;
    try {
      ack = await deps.ingest.submit(ingestReport);
    } catch (error) {
      if (error instanceof ProblemError) {
        refuse('overloaded', events);
        throw error;
      }
      // Counted here by reason; answered (503 for an unreachable store) by app.onError.
      refuse(isStoreUnreachable(error) ? 'unavailable' : 'failed', events);
      throw error;
    }
    deps.metrics.inc('selfheal_events_ingested_total', { agent: report.agent }, ack.accepted);
    deps.metrics.inc('selfheal_events_duplicate_total', {}, ack.duplicates);
    deps.metrics.inc('selfheal_reports_total', { agent: report.agent });
    deps.metrics.observeIngest((performance.now() - started) / 1000);
    const commands = deps.recommendations.forReport(ingestReport);
    return c.json(commands.length > 0 ? { ...ack, commands } : ack, 202);
  });
}
