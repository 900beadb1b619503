import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { CommandChannel } from './commands/channel.js';
import type { Recommendations } from './commands/recommend.js';
import type { Database } from './db/database.js';
import { isStoreUnreachable, ProblemError, storeUnavailable } from './errors.js';
import type { GroupCommit } from './ingest/group-commit.js';
import type { RateLimiter } from './ingest/rate-limit.js';
import type { LiveHub } from './live/hub.js';
import type { DecisionLoop } from './loop/loop.js';
import type { Metrics } from './metrics.js';
import { validationHook } from './protocol-check.js';
import type { BodyBudget } from './routes/body-budget.js';
import { mountCommands } from './routes/commands.js';
import { mountDashboard } from './routes/dashboard.js';
import { mountDashboardStatic } from './routes/dashboard-static.js';
import { mountDecisions } from './routes/decisions.js';
import { mountHealth } from './routes/health.js';
import { mountLive } from './routes/live.js';
import { mountRead } from './routes/read.js';
import { mountReport } from './routes/report.js';
import { mountSentry } from './routes/sentry.js';
import { mountServiceKeys } from './routes/service-keys.js';
import type { Keyring } from './store/keyring.js';

/** Everything the HTTP app needs; `createApp` itself does no I/O. */
export interface AppDeps {
  database: Database;
  ingest: GroupCommit;
  /** Resolves project and service keys to who sent a request. */
  keys: Keyring;
  metrics: Metrics;
  adminTokenHash: string;
  logger: Logger;
  startedAt: number;
  version: string;
  instance: string;
  /** Request-body bytes held at once, in total, per client and per project. */
  bodyBudget: BodyBudget;
  /** How long a request body may take to arrive. */
  bodyTimeoutMs: number;
  limiter: RateLimiter;
  /** Brings issue and agent figures up to date before they are read. */
  foldPending(): Promise<void>;
  /** Live updates; without a hub `/ws/dashboard` is not mounted. */
  hub?: LiveHub;
  /** The decision loop, for approve and reject. */
  loop: DecisionLoop;
  /** Wakes long polls for commands. */
  channel: CommandChannel;
  /** Page commands for a report's answer. */
  recommendations: Recommendations;
  clock: Clock;
  /** Days of events the store keeps. */
  retentionDays: number;
  /** The dashboard's built files, served at `/`; without it `/` is not served. */
  dashboardDir?: string;
}

/** The problem+json answer of `error`. */
function respond(c: Context, error: ProblemError) {
  const body = {
    type: 'about:blank',
    title: error.title,
    status: error.status,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
  };
  return c.body(JSON.stringify(body), error.status as 400, {
    ...error.headers,
    'Content-Type': 'application/problem+json',
  });
}

/** The methods some route answers for `path`, for a 405's `Allow`; none when no route has it. */
function methodsFor(app: OpenAPIHono, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const pattern = route.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+');
    if (new RegExp(`^${pattern}$`).test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/** Builds the collector's HTTP app. */
export function createApp(deps: AppDeps): OpenAPIHono {
  // Every route validates its query and path through its definition; a failure is a 400 naming the field.
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.onError((error, c) => {
    if (error instanceof ProblemError) return respond(c, error);
    if (error instanceof HTTPException) {
      const detail = error.message || 'request refused';
      return respond(
        c,
        new ProblemError({ status: error.status, title: 'Request refused', detail }),
      );
    }
    if (isStoreUnreachable(error)) {
      deps.logger.warn({ err: error, path: c.req.path }, 'the store is not answering');
      return respond(c, storeUnavailable(error));
    }
    deps.logger.error({ err: error, path: c.req.path }, 'unexpected error');
    deps.metrics.inc('selfheal_internal_errors_total', { path: c.req.routePath });
    return respond(
      c,
      new ProblemError({
        status: 500,
        title: 'Internal error',
        detail:
          'the collector failed; this is a bug, and sending the same request again will not help',
      }),
    );
  });
  app.notFound((c) => {
    const allowed = methodsFor(app, c.req.path);
    if (allowed.length > 0) {
      return respond(
        c,
        new ProblemError({
          status: 405,
          title: 'Method not allowed',
          detail: `${c.req.path} answers ${allowed.join(', ')}, not ${c.req.method}`,
          headers: { Allow: allowed.join(', ') },
        }),
      );
    }
    return respond(
      c,
      new ProblemError({
        status: 404,
        title: 'Not found',
        detail: `no route for ${c.req.method} ${c.req.path}`,
      }),
    );
  });

  mountReport(app, deps);
  mountSentry(app, deps);
  mountRead(app, {
    db: deps.database.db,
    adminTokenHash: deps.adminTokenHash,
    startedAt: deps.startedAt,
    foldPending: deps.foldPending,
  });
  mountHealth(app, { ...deps });
  mountCommands(app, { ...deps, db: deps.database.db, onAck: deps.loop.onAck });
  mountDecisions(app, { ...deps, db: deps.database.db });
  mountServiceKeys(app, { ...deps, db: deps.database.db });
  if (deps.hub)
    mountLive(app, { hub: deps.hub, adminTokenHash: deps.adminTokenHash, instance: deps.instance });

  mountDashboard(app, deps);
  if (deps.dashboardDir) mountDashboardStatic(app, { dashboardDir: deps.dashboardDir });

  app.openAPIRegistry.registerComponent('securitySchemes', 'projectKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'The project key (`shp_…`, public: pages embed it): page reports only; `?key=` also works for sendBeacon.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'serviceKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A service key (`shs_…`, made by the admin): whoever holds it is that service, for reports and its command channel.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sentryKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Sentry-Auth',
    description:
      'The key of a Sentry DSN, as Sentry SDKs send it: `Sentry sentry_key=<key>, …` (or `?sentry_key=`). The project key sends as a page does; a service key as its service.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin token (`sha_…`): read, approve, reject, manage keys.',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'selfheal collector', version: deps.version },
  });
  return app;
}
