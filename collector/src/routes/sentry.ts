import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  LIMITS,
  type Report,
  reportSchema,
  sentryAckSchema,
  sentryEventSchema,
} from '@selfheal/shared/protocol';
import type { MiddlewareHandler } from 'hono';
import { type KeyVariables, requireSentryKey } from '../auth.js';
import { fromZodError, isStoreUnreachable, overloaded, ProblemError } from '../errors.js';
import { authorizeReport } from '../ingest/authorize.js';
import { assertWithinRetention, type IngestReport, toIngestReport } from '../ingest/normalize.js';
import { type EnvelopeProblem, readEnvelope } from '../ingest/sentry-envelope.js';
import { fromSentryEvent } from '../ingest/sentry-event.js';
import { allowsOrigin, type Principal } from '../store/keyring.js';
import { retentionCutoff } from '../store/retention.js';
import { clientAddressOf } from './client-address.js';
import { problemResponses } from './openapi.js';
import { declaredLength } from './read-body.js';
import type { ReportRouteDeps } from './report.js';
import { decodedBody } from './sentry-body.js';

/** Bounds of Sentry ingest, in bytes. */
export const SENTRY_LIMITS = {
  /** A whole envelope, decoded; past it, 413 for all of it. */
  maxEnvelopeBytes: 20 * 1_048_576,
  /** The events of one envelope, together (and so each); a larger event item is refused alone. */
  maxEventBytes: LIMITS.maxBodyBytes,
} as const;

/** Item types that are read past and counted, never stored (Sentry's list; others count as `other`). */
const KNOWN_ITEM_TYPES = new Set([
  'event',
  'transaction',
  'session',
  'sessions',
  'client_report',
  'attachment',
  'user_report',
  'feedback',
  'replay_event',
  'replay_recording',
  'replay_video',
  'profile',
  'profile_chunk',
  'check_in',
  'span',
  'log',
  'otel_log',
  'statsd',
  'metric_meta',
]);
const KEPT = new Set(['event']);

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'x-sentry-auth, content-type, content-encoding, authorization',
  'Access-Control-Max-Age': '600',
};

type IngestEnv = { Variables: KeyVariables };

/** One Sentry event on its way in, or why it cannot be taken. */
type Taken = { report: Report; agentId: string; id: string } | EnvelopeProblem;

const rateLimited = (wait: number) =>
  new ProblemError({
    status: 429,
    title: 'Too many events',
    detail: `this project sends more events than its rate limit allows; retry in ${wait} s`,
    // Sentry's SDKs back off every category for `wait` seconds on this header.
    headers: { 'Retry-After': String(wait), 'X-Sentry-Rate-Limits': `${wait}::project` },
  });

/**
 * Mounts Sentry's ingest endpoints, so an app keeps its Sentry SDK and changes only the DSN:
 * `POST /api/{number}/envelope/` and the older `POST /api/{number}/store/`. Events join the same
 * ingest path as `/api/report`: the key decides what they may be (a project key sends as a page
 * does), they are classified and fingerprinted as our agents' events are, rate-limited, and
 * answered once stored.
 */
export function mountSentry(app: OpenAPIHono, deps: ReportRouteDeps): void {
  const refuse = (reason: string, events = 0) => {
    deps.metrics.inc('selfheal_reports_refused_total', { reason });
    if (events > 0) deps.metrics.inc('selfheal_events_refused_total', { reason }, events);
  };
  const countItem = (type: string, outcome: 'stored' | 'ignored' | 'refused') =>
    deps.metrics.inc('selfheal_sentry_items_total', {
      type: KNOWN_ITEM_TYPES.has(type) ? type : 'other',
      outcome,
    });

  for (const path of ['/api/:projectId/envelope/', '/api/:projectId/store/']) {
    app.options(path, async (c) => {
      const origin = c.req.header('origin');
      if (!origin || !(await deps.keys.anyAllows(origin).catch(() => false))) {
        return c.body(null, 403);
      }
      return c.body(null, 204, {
        ...CORS_HEADERS,
        'Access-Control-Allow-Origin': origin,
        Vary: 'Origin',
      });
    });
  }

  const cors: MiddlewareHandler<IngestEnv> = async (c, next) => {
    await next();
    const origin = c.req.header('origin');
    if (!origin) return;
    const project = c.get('principal')?.project;
    const allowed = project
      ? allowsOrigin(project, origin)
      : await deps.keys.anyAllows(origin).catch(() => false);
    if (!allowed) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After, X-Sentry-Rate-Limits');
    c.res.headers.append('Vary', 'Origin');
  };

  /** A Sentry event payload as the report our agent would have sent, or why it cannot be one. */
  const take = (principal: Principal, field: string, payload: unknown, now: number): Taken => {
    const parsed = sentryEventSchema.safeParse(payload);
    if (!parsed.success) {
      const [first] = fromZodError(parsed.error, `${field}.`).errors ?? [];
      return { field: first?.field ?? field, status: 400, message: first?.message ?? 'invalid' };
    }
    const sentry = fromSentryEvent(parsed.data, now);
    // The key says who sent it: a project key is a page, whatever platform the SDK runs on; a
    // server's event is kept under its server_name (or release) as a page-equivalent fault.
    const page = principal.role === 'page';
    const service =
      page && sentry.server ? (parsed.data.server_name ?? parsed.data.release) : undefined;
    const candidate = {
      agent: page ? 'frontend' : 'backend',
      ...(service && { service: service.slice(0, LIMITS.maxNameLength) }),
      ...(sentry.url && { url: sentry.url }),
      ...(sentry.hostname && { hostname: sentry.hostname }),
      events: [sentry.event],
    };
    const checked = reportSchema.safeParse(candidate);
    if (!checked.success) {
      const problem = fromZodError(checked.error, `${field}.`);
      return { field, status: 400, message: problem.message };
    }
    try {
      const report = authorizeReport(principal, checked.data);
      assertWithinRetention(report, retentionCutoff(deps.retentionDays, now), deps.retentionDays);
      const agentId = page ? sentry.agentId : `${sentry.agentId}@${principal.service}`;
      return { report, agentId, id: sentry.event.id };
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return { field, status: 400, message: error.message };
    }
  };

  /** Stores what was taken and answers as the SDKs expect; problems are answered after. */
  const store = async (
    principal: Principal,
    taken: Taken[],
    problems: EnvelopeProblem[],
    id: string | null,
    now: number,
  ) => {
    const started = performance.now();
    const good = taken.filter((t): t is Exclude<Taken, EnvelopeProblem> => 'report' in t);
    problems.push(...taken.filter((t): t is EnvelopeProblem => !('report' in t)));
    if (good.length > 0) {
      const wait = deps.limiter.take(principal.project.id, good.length, now);
      if (wait !== undefined) {
        refuse('rate_limited', good.length);
        for (const _ of good) countItem('event', 'refused');
        throw rateLimited(wait);
      }
      const reports: IngestReport[] = good.map((t) =>
        toIngestReport(principal.project.id, t.report, new Date(now), t.agentId),
      );
      try {
        const acks = await Promise.all(reports.map((report) => deps.ingest.submit(report)));
        const accepted = acks.reduce((n, ack) => n + ack.accepted, 0);
        for (const _ of good) countItem('event', 'stored');
        const agent = good[0]?.report.agent ?? 'frontend';
        deps.metrics.inc('selfheal_events_ingested_total', { agent }, accepted);
        deps.metrics.inc('selfheal_events_duplicate_total', {}, good.length - accepted);
        deps.metrics.inc('selfheal_reports_total', { agent }, good.length);
        deps.metrics.observeIngest((performance.now() - started) / 1000);
      } catch (error) {
        if (error instanceof ProblemError) refuse('overloaded', good.length);
        else refuse(isStoreUnreachable(error) ? 'unavailable' : 'failed', good.length);
        throw error;
      }
    }
    if (problems.length > 0) {
      refuse(problems.every((p) => p.status === 413) ? 'too_large' : 'invalid');
      const [first] = problems as [EnvelopeProblem];
      const kept = good.length === 0 ? '' : `; the other ${good.length} event(s) were stored`;
      throw new ProblemError({
        status: problems.every((p) => p.status === 413) ? 413 : 400,
        title: 'Invalid envelope',
        detail: `${first.field}: ${first.message}${kept}`,
        errors: problems.map(({ field, message }) => ({ field, message })),
      });
    }
    return { id: id ?? good[0]?.id ?? null };
  };

  /** Reserves what the route will hold (at most the events' bound) for the request's lifetime. */
  const hold = (c: Parameters<MiddlewareHandler<IngestEnv>>[0], max: number) => {
    const declared = declaredLength(c);
    const held = deps.bodyBudget.reserve(
      Math.min(declared ?? SENTRY_LIMITS.maxEventBytes, SENTRY_LIMITS.maxEventBytes),
      clientAddressOf(c),
      c.var.principal.project.id,
    );
    if (typeof held === 'string') {
      refuse('overloaded');
      throw overloaded(
        `too many request bodies are being received at once (${held}); retry shortly`,
      );
    }
    if (declared !== undefined && declared > max) {
      held();
      refuse('too_large');
      throw new ProblemError({
        status: 413,
        title: 'Payload too large',
        detail: `this body may be at most ${max} bytes`,
        headers: { Connection: 'close' },
      });
    }
    return held;
  };

  const checkOrigin = (principal: Principal, origin: string | undefined) => {
    if (origin && !allowsOrigin(principal.project, origin)) {
      refuse('origin');
      throw new ProblemError({
        status: 403,
        title: 'Forbidden',
        detail: `origin ${origin.slice(0, 200)} may not send to this project`,
      });
    }
  };

  const params = z.object({
    projectId: z
      .string()
      .regex(/^\d{1,10}$/)
      .meta({ description: "The project's number: the project id of its DSN." }),
  });
  const query = z.object({
    sentry_key: z.string().optional().meta({ description: 'The key, for browsers.' }),
    sentry_version: z.string().optional(),
    sentry_client: z.string().optional(),
  });
  const security = [{ sentryKey: [] }];
  const responses = {
    200: {
      description: 'Stored (or read past: items of other types are counted, not stored)',
      content: { 'application/json': { schema: sentryAckSchema } },
    },
    ...problemResponses(400, 401, 403, 408, 413, 415, 429, 500, 503),
  };

  const envelope = createRoute({
    method: 'post',
    path: '/api/{projectId}/envelope/',
    summary: 'Sentry envelope (for Sentry SDKs)',
    description:
      "Sentry's envelope format, plain or with Content-Encoding gzip, deflate or br, authenticated by the DSN's key (`X-Sentry-Auth: Sentry sentry_key=…` or `?sentry_key=`). `event` items are stored as events of the project (a project key sends as a page does, a service key as its service); other item types are counted and read past. A malformed item is answered with 400 (413 for an event item over 1 MiB) naming it, after the other items of the envelope are stored. The whole envelope may be at most 20 MiB decoded.",
    security,
    middleware: [cors, requireSentryKey(deps.keys)] as const,
    request: {
      params,
      query,
      body: {
        content: { 'application/x-sentry-envelope': { schema: z.string() } },
        required: true,
      },
    },
    responses,
  });
  app.openAPIRegistry.registerPath(envelope);
  const { body: _envelopeBody, ...envelopeRequest } = envelope.request;
  app.openapi({ ...envelope, request: envelopeRequest, hide: true }, async (c) => {
    const principal = c.var.principal;
    checkOrigin(principal, c.req.header('origin'));
    const release = hold(c, SENTRY_LIMITS.maxEnvelopeBytes);
    try {
      let parsed: Awaited<ReturnType<typeof readEnvelope>>;
      try {
        const body = decodedBody(c, {
          timeoutMs: deps.bodyTimeoutMs,
          wholeUpTo: SENTRY_LIMITS.maxEventBytes,
        });
        parsed = await readEnvelope(body, {
          maxBytes: SENTRY_LIMITS.maxEnvelopeBytes,
          maxKeptBytes: SENTRY_LIMITS.maxEventBytes,
          keep: KEPT,
        });
      } catch (error) {
        if (error instanceof ProblemError) {
          refuse(error.status === 413 ? 'too_large' : error.status === 408 ? 'timeout' : 'invalid');
        }
        throw error;
      }
      const now = deps.clock.now();
      for (const item of parsed.skipped) countItem(item.type, 'ignored');
      for (const _problem of parsed.problems) countItem('unreadable', 'refused');
      const taken = parsed.items.map((item): Taken => {
        const field = `items.${item.index}`;
        let payload: unknown;
        try {
          payload = JSON.parse(item.payload.toString('utf8'));
        } catch (error) {
          const reason = error instanceof Error ? error.message.slice(0, 200) : 'malformed';
          return { field, status: 400, message: `the event is not valid JSON: ${reason}` };
        }
        return take(principal, field, payload, now);
      });
      for (const t of taken) if (!('report' in t)) countItem('event', 'refused');
      const headerId = parsed.header.event_id;
      const ack = await store(
        principal,
        taken,
        parsed.problems,
        typeof headerId === 'string' ? headerId : null,
        now,
      );
      return c.json(ack, 200);
    } finally {
      release();
    }
  });

  const storeRoute = createRoute({
    method: 'post',
    path: '/api/{projectId}/store/',
    summary: 'Sentry event, the older endpoint (for Sentry SDKs)',
    description:
      'One Sentry event as JSON (Content-Encoding gzip, deflate or br accepted), authenticated as the envelope endpoint is; at most 1 MiB decoded.',
    security,
    middleware: [cors, requireSentryKey(deps.keys)] as const,
    request: {
      params,
      query,
      body: { content: { 'application/json': { schema: sentryEventSchema } }, required: true },
    },
    responses,
  });
  app.openAPIRegistry.registerPath(storeRoute);
  const { body: _storeBody, ...storeRequest } = storeRoute.request;
  app.openapi({ ...storeRoute, request: storeRequest, hide: true }, async (c) => {
    const principal = c.var.principal;
    checkOrigin(principal, c.req.header('origin'));
    const release = hold(c, SENTRY_LIMITS.maxEventBytes);
    try {
      const parts: Buffer[] = [];
      let size = 0;
      const body = decodedBody(c, {
        timeoutMs: deps.bodyTimeoutMs,
        wholeUpTo: SENTRY_LIMITS.maxEventBytes,
      });
      for await (const chunk of body) {
        size += chunk.length;
        if (size > SENTRY_LIMITS.maxEventBytes) {
          refuse('too_large');
          throw new ProblemError({
            status: 413,
            title: 'Payload too large',
            detail: `an event may be at most ${SENTRY_LIMITS.maxEventBytes} bytes (decoded)`,
            headers: { Connection: 'close' },
          });
        }
        parts.push(chunk);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch (error) {
        refuse('invalid');
        const reason = error instanceof Error ? error.message.slice(0, 200) : 'malformed';
        throw new ProblemError({
          status: 400,
          title: 'Invalid JSON',
          detail: `the body is not valid JSON: ${reason}`,
        });
      }
      const now = deps.clock.now();
      const taken = take(principal, '(body)', payload, now);
      if (!('report' in taken)) countItem('event', 'refused');
      return c.json(await store(principal, [taken], [], null, now), 200);
    } finally {
      release();
    }
  });
}
