import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classify, fingerprint } from '@selfheal/shared';
import { seededRandom } from '../src/decide/fixtures.js';

const MESSAGES = [
  "TypeError: Cannot read properties of undefined (reading 'items')",
  'ReferenceError: analytics is not defined',
  'Failed to fetch dynamically imported module: https://shop.example/assets/checkout.3f9a2b1c.js',
  'GET https://api.shop.example/v1/carts/81723 failed: 503 Service Unavailable',
  'connect ECONNREFUSED 10.0.0.12:5432',
];
const STACK = '    at renderCart (https://shop.example/assets/app.3f9a2b1c.js:1:48211)';

/** What an agent computes for each message; done once here so the load generator stays cheap. */
const AGENT_FIELDS = MESSAGES.map((message) => {
  const event = { type: 'error' as const, message, stack: STACK };
  const { kind, severity } = classify(event);
  return { kind, severity, fingerprint: fingerprint({ ...event, kind }) };
});

let sequence = 0;
/**
 * A 10-event report of about 3.8 KB whose event ids are all new. `classified` events carry kind,
 * severity and fingerprint as the agents send them; otherwise the collector computes them.
 */
export function reportBody(classified: boolean): string {
  const run = randomUUID();
  const events = Array.from({ length: 10 }, (_, i) => {
    sequence += 1;
    const event = {
      id: `${run}-${i}`,
      type: 'error' as const,
      message: MESSAGES[sequence % MESSAGES.length] as string,
      stack: STACK,
      timestamp: Date.now(),
      url: `https://shop.example/cart?session=${sequence}`,
    };
    return classified
      ? { ...event, ...(AGENT_FIELDS[sequence % MESSAGES.length] as object) }
      : event;
  });
  const body = { agent: 'frontend', sessionId: run, url: 'https://shop.example/cart', events };
  return JSON.stringify(body);
}

/** One report body of the realistic mix and the kind of key it must be sent with. */
export interface RealisticBody {
  body: string;
  /** `project` for page reports; `service` for backend ones, a key made for `service`. */
  key: 'project' | 'service';
  /** The backend service the body speaks for (its service key must be this service's). */
  service?: string;
}

interface RecordedEvent {
  id: string;
  type: string;
  timestamp: number;
  kind?: string;
  fingerprint?: string;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

interface RecordedReport {
  agent: 'frontend' | 'backend';
  sessionId?: string;
  service?: string;
  hostname?: string;
  events: RecordedEvent[];
  [field: string]: unknown;
}

interface Recording {
  recordedAt: string;
  chromium: string;
  page: RecordedReport[];
  backend: RecordedReport[];
}

/** The backend services of the realistic mix; the bench makes one service key for each. */
export const REALISTIC_SERVICES = ['checkout-api', 'inventory-worker', 'payments-api'] as const;

let recording: Recording | undefined;
/** What `bench:record` captured from the real agents (see record.ts). */
export function recorded(): Recording {
  recording ??= JSON.parse(
    readFileSync(fileURLToPath(new URL('./recorded/reports.json', import.meta.url)), 'utf8'),
  ) as Recording;
  return recording;
}

/**
 * The recorded backend reports as `service` would send them: its name in the envelope and the
 * health checks' data, and the fingerprints the agent derives from (kind, service, check).
 */
function backendReportsOf(service: string, index: number): RecordedReport[] {
  const renamed = new Map<string, string>();
  const reports = structuredClone(recorded().backend);
  for (const report of reports) {
    report.service = service;
    report.hostname = `${service}-7d9f8b6c5-${['x2k4q', 'm8p3z', 'q7w1r'][index % 3]}`;
    for (const event of report.events) {
      if (event.type !== 'health_check' || !event.data || !event.fingerprint) continue;
      event.data.service = service;
      const print = fingerprint({
        type: 'health_check',
        kind: event.kind as Parameters<typeof fingerprint>[0]['kind'],
        data: { check: String(event.data.check), service },
      });
      renamed.set(event.fingerprint, print);
      event.fingerprint = print;
    }
  }
  // Fix events name the check's fingerprint, at the top and in `data`.
  for (const report of reports) {
    for (const event of report.events) {
      const print = event.fingerprint && renamed.get(event.fingerprint);
      if (!print) continue;
      event.fingerprint = print;
      if (event.data && typeof event.data.fingerprint === 'string') event.data.fingerprint = print;
    }
  }
  return reports;
}

/** A visitor's tab: its session id lasts across its page loads; each load numbers its events. */
interface Session {
  id: string;
  load: string;
  sequence: number;
  reportsInLoad: number;
}

/** Options of the realistic mix. */
export interface RealisticOptions {
  /** Simulated visitors (tabs) whose reports interleave; default 200. */
  sessions?: number;
  /** Share of reports that come from backend services; default 0.1. */
  backendShare?: number;
  /** Seed of the choices (which session, which recorded report); default 1. */
  seed?: number;
  /** Makes each event id of the report; default `${prefix}-${n}`, fresh in every report. */
  eventId?: (prefix: string, index: number) => string;
}

/**
 * An endless mix of report bodies as a running site sends them, built from the recorded
 * reports: mostly page reports from `sessions` visitors (each visitor sending many, under one
 * session id, with a new page load every two reports as recorded), and some backend reports
 * (health checks, fix attempts and process errors) from `REALISTIC_SERVICES`. Event ids never
 * repeat within a process; timestamps are now, keeping each report's recorded spacing.
 */
export function* realisticBodies(options: RealisticOptions = {}): Generator<RealisticBody> {
  const { page } = recorded();
  const random = seededRandom(options.seed ?? 1);
  const backendShare = options.backendShare ?? 0.1;
  const eventId = options.eventId ?? ((prefix, index) => `${prefix}-${index}`);
  const services = REALISTIC_SERVICES.map((service, i) => ({
    service,
    reports: backendReportsOf(service, i),
  }));
  const sessions: Session[] = Array.from({ length: options.sessions ?? 200 }, () => ({
    id: randomUUID(),
    load: randomUUID(),
    sequence: 0,
    reportsInLoad: 0,
  }));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  for (;;) {
    const now = Date.now();
    if (random() < backendShare) {
      const { service, reports } = pick(services);
      const report = pick(reports);
      const prefix = randomUUID();
      yield {
        body: JSON.stringify(restamp(report, now, (i) => eventId(prefix, i))),
        key: 'service',
        service,
      };
      continue;
    }
    const session = pick(sessions);
    if (session.reportsInLoad >= 2) {
      session.load = randomUUID();
      session.sequence = 0;
      session.reportsInLoad = 0;
    }
    session.reportsInLoad += 1;
    const report = restamp(pick(page), now, () => {
      session.sequence += 1;
      return eventId(session.load, session.sequence);
    });
    report.sessionId = session.id;
    yield { body: JSON.stringify(report), key: 'project' };
  }
}

/** A copy of `report` with new event ids and its last event at `now`, the others as spaced. */
function restamp(report: RecordedReport, now: number, id: (index: number) => string) {
  const last = Math.max(...report.events.map((e) => e.timestamp));
  return {
    ...report,
    events: report.events.map((event, i) => ({
      ...event,
      id: id(i),
      timestamp: now - (last - event.timestamp),
    })),
  };
}

/** The token a wrk Lua script replaces with a per-request counter in `bodyTemplates`. */
export const ID_TOKEN = '@@ID@@';

/**
 * `count` distinct bodies of the realistic mix for a load generator that cannot run JS per
 * request (wrk): every event id is `@@ID@@-<n>` (n differs between the events of a body), so the Lua script
 * substitutes one value unique per request (e.g. thread number and a counter, `7-81234`) with
 * `body:gsub('@@ID@@', id)` and every event id becomes new. Session ids come from the pool of
 * simulated visitors (reused across templates, as a site's sessions are); timestamps are the time
 * of the call, so run the load within the collector's retention.
 */
export function bodyTemplates(count: number, options: RealisticOptions = {}): RealisticBody[] {
  const bodies = realisticBodies({ ...options, eventId: (_prefix, i) => `${ID_TOKEN}-${i}` });
  return Array.from({ length: count }, () => bodies.next().value as RealisticBody);
}
