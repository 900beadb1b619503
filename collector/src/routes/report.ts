import type { OpenAPIHono } from '@hono/zod-openapi';
import { LIMITS, reportAckSchema, reportSchema } from '@selfheal/shared/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { type IngestVariables, requireProjectKey } from '../auth.js';
import type { Clock } from '../clock.js';
import type { Recommendations } from '../commands/recommend.js';
import { overloaded, ProblemError } from '../errors.js';
import type { GroupCommit } from '../ingest/group-commit.js';
import { parseReport, toIngestReport } from '../ingest/normalize.js';
import type { Metrics } from '../metrics.js';
import { assertProtocolVersion, protocolVersionOf } from '../protocol-check.js';
import { allowsOrigin, type Project, type ProjectCache } from '../store/projects.js';
import { problemResponses } from './openapi.js';

/** What the report route needs. */
export interface ReportRouteDeps {
  ingest: GroupCommit;
  projects: ProjectCache;
  metrics: Metrics;
  /** Most request-body bytes held in memory by reports being received at once. */
  maxInflightBytes: number;
  logger: Logger;
  /** Page commands for the fingerprints of a stored report. */
  recommendations: Recommendations;
  /** Stamps `receivedAt`, which verification windows are measured against. */
  clock: Clock;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Max-Age': '600',
};

async function readBody(c: Context): Promise<unknown> {
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    throw new ProblemError(400, 'Unreadable body', 'the request body could not be read to its end');
  }
  if (Buffer.byteLength(text) > LIMITS.maxBodyBytes) throw tooLarge();
  if (text.trim() === '')
    throw new ProblemError(400, 'Invalid request', 'the request body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'malformed';
    throw new ProblemError(
      400,
      'Invalid JSON',
      `the body is not valid JSON: ${reason.slice(0, 200)}`,
    );
  }
}

// The rest of the body is never read, so the connection cannot carry another request.
const tooLarge = () =>
  new ProblemError(
    413,
    'Payload too large',
    `a report body may be at most ${LIMITS.maxBodyBytes} bytes`,
    undefined,
    { Connection: 'close' },
  );

/** Mounts `POST /api/report` and its CORS preflight. */
export function mountReport(app: OpenAPIHono, deps: ReportRouteDeps): void {
  let inflightBytes = 0;
  const refuse = (reason: string, events = 0) => {
    deps.metrics.inc('selfheal_reports_refused_total', { reason });
    if (events > 0) deps.metrics.inc('selfheal_events_refused_total', { reason }, events);
  };

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/report',
    summary: 'Send a batch of events (or one event in the original form)',
    description:
      'Authenticate with the project key as a bearer token, or `?key=` for sendBeacon. The body is JSON; `text/plain` is accepted too. Answers once the events are durably stored; a resent event id counts as a duplicate.',
    security: [{ projectKey: [] }],
    request: {
      body: { content: { 'application/json': { schema: reportSchema } }, required: true },
    },
    responses: {
      202: { description: 'Stored', content: { 'application/json': { schema: reportAckSchema } } },
      ...problemResponses(400, 401, 403, 413, 503),
    },
  });

  /** The project's own list when it is known, else whether any project allows the origin. */
  const originAllowed = async (project: Project | undefined, origin: string) =>
    project ? allowsOrigin(project, origin) : deps.projects.anyAllows(origin).catch(() => false);

  app.options('/api/report', async (c) => {
    const origin = c.req.header('origin');
    const key = c.req.query('key');
    const project = key ? await deps.projects.byKey(key).catch(() => undefined) : undefined;
    if (!origin || !(await originAllowed(project, origin))) return c.body(null, 403);
    return c.body(null, 204, {
      ...CORS_HEADERS,
      'Access-Control-Allow-Origin': origin,
      Vary: 'Origin',
    });
  });

  const reserve: MiddlewareHandler = async (c, next) => {
    const declared = Number(c.req.header('content-length') ?? Number.NaN);
    const bytes = Number.isFinite(declared) ? declared : LIMITS.maxBodyBytes;
    if (inflightBytes + bytes > deps.maxInflightBytes) {
      refuse('overloaded');
      throw overloaded('too many reports are being received at once; retry shortly');
    }
    inflightBytes += bytes;
    try {
      await next();
    } finally {
      inflightBytes -= bytes;
    }
  };
  const limit = bodyLimit({
    maxSize: LIMITS.maxBodyBytes,
    onError: () => {
      refuse('too_large');
      throw tooLarge();
    },
  });

  // Set on every answer, errors included, so a page's agent can read a 503's Retry-After.
  const cors: MiddlewareHandler = async (c, next) => {
    await next();
    const origin = c.req.header('origin');
    if (!origin) return;
    if (!(await originAllowed(c.get('project') as Project | undefined, origin))) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After');
    c.res.headers.append('Vary', 'Origin');
  };

  const app2 = app as unknown as OpenAPIHono<{ Variables: IngestVariables }>;
  app2.post('/api/report', cors, limit, reserve, requireProjectKey(deps.projects), async (c) => {
    const started = performance.now();
    const project = c.var.project;
    const origin = c.req.header('origin');
    if (origin && !allowsOrigin(project, origin)) {
      refuse('origin');
      throw new ProblemError(
        403,
        'Forbidden',
        `origin ${origin.slice(0, 200)} may not send to this project`,
      );
    }
    const now = deps.clock.now();
    let report: ReturnType<typeof parseReport>;
    try {
      const body = await readBody(c);
      assertProtocolVersion(protocolVersionOf(body));
      report = parseReport(body, now);
    } catch (error) {
      refuse('invalid');
      throw error;
    }
    let ack: Awaited<ReturnType<GroupCommit['submit']>>;
    const ingestReport = toIngestReport(project.id, report, new Date(now));
    try {
      ack = await deps.ingest.submit(ingestReport);
    } catch (error) {
      const queueFull = error instanceof ProblemError;
      refuse(queueFull ? 'overloaded' : 'unavailable', report.events.length);
      if (queueFull) throw error;
      deps.logger.warn({ err: error }, 'storing a report failed');
      throw overloaded('the store is not answering; retry shortly', 5);
    }
    deps.metrics.inc('selfheal_events_ingested_total', { agent: report.agent }, ack.accepted);
    deps.metrics.inc('selfheal_events_duplicate_total', {}, ack.duplicates);
    deps.metrics.inc('selfheal_reports_total', { agent: report.agent });
    deps.metrics.observeIngest((performance.now() - started) / 1000);
    const commands = await deps.recommendations.forReport(ingestReport);
    return c.json(commands.length > 0 ? { ...ack, commands } : ack, 202);
  });
}
