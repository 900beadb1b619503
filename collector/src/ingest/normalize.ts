import { randomUUID } from 'node:crypto';
import type { ErrorKind, Severity } from '@selfheal/shared';
import {
  classify,
  fingerprint,
  isFaultEvent,
  scrub,
  scrubData,
  scrubUrl,
  severityOf,
} from '@selfheal/shared';
import type { AgentType, Event, LegacyReport, Report } from '@selfheal/shared/protocol';
import { LIMITS, legacyReportSchema, reportSchema } from '@selfheal/shared/protocol';
import { fromZodError, ProblemError } from '../errors.js';
import { assertProtocolVersion, protocolVersionOf } from '../protocol-check.js';

/** An event ready to store: classified, fingerprinted and scrubbed. */
export interface IngestEvent {
  id: string;
  type: Event['type'];
  kind: ErrorKind;
  severity: Severity;
  fingerprint: string;
  title: string;
  message: string | null;
  stack: string | null;
  url: string | null;
  data: Record<string, unknown> | null;
  /** Occurrences it stands for (1 unless the agent merged repeats). */
  count: number;
  occurredAt: Date;
  /** Whether the event is a fault that counts toward its issue. */
  grouped: boolean;
  /**
   * Whether the decision loop must not forget it across a crash, so it is stored in the loop's
   * inbox with the event: a fix outcome, or an urgent fault (critical, or a failing health check).
   */
  forLoop: boolean;
}

/** A report ready to store, with everything the collector derived from it. */
export interface IngestReport {
  projectId: string;
  reportId: string;
  agent: AgentType;
  agentId: string;
  service: string | null;
  sessionId: string | null;
  hostname: string | null;
  region: string | null;
  url: string | null;
  receivedAt: Date;
  /** False when a health check in it failed, true when all passed, null without any. */
  healthy: boolean | null;
  events: IngestEvent[];
}

/** Validates a parsed body in either report form; the single-event form gets an id and time. */
export function parseReport(body: unknown, now: number): Report {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ProblemError({
      status: 400,
      title: 'Invalid request',
      detail: 'the body must be a JSON object',
    });
  }
  // A newer protocol may change the shape: say so before the shape is checked, as acks do.
  assertProtocolVersion(protocolVersionOf(body));
  if ('events' in body || !('event' in body)) {
    const result = reportSchema.safeParse(body);
    if (!result.success) throw fromZodError(result.error);
    return result.data;
  }
  const result = legacyReportSchema.safeParse(body);
  if (!result.success) throw fromZodError(result.error);
  return fromLegacy(result.data, now);
}

/**
 * Refuses a report holding an event older than what the store keeps: retention would drop it,
 * and the same event sent again would then be stored and counted a second time.
 */
export function assertWithinRetention(report: Report, cutoff: number, days: number): void {
  const index = report.events.findIndex((event) => event.timestamp < cutoff);
  if (index < 0) return;
  const field = `events.${index}.timestamp`;
  const message = `older than the ${days} days this collector keeps (before ${new Date(cutoff).toISOString()}); send the time the event happened, in ms since the epoch`;
  throw new ProblemError({
    status: 400,
    title: 'Invalid request',
    detail: `${field}: ${message}`,
    errors: [{ field, message }],
  });
}

function fromLegacy(legacy: LegacyReport, now: number): Report {
  const { event, ...envelope } = legacy;
  return {
    ...envelope,
    events: [{ ...event, id: event.id ?? randomUUID(), timestamp: event.timestamp ?? now }],
  };
}

/** Text Postgres will store as given: no NUL bytes, no lone surrogates. */
export function storableText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed;
}

/** A health check's verdict: true when it passed, false when it failed, null otherwise. */
function healthOf(event: Event): boolean | null {
  if (event.type !== 'health_check') return null;
  const status = event.data?.status;
  return status === 'pass' ? true : status === 'fail' ? false : null;
}

function titleOf(event: Event, message: string | null, url: string | null): string {
  const line = message?.split('\n', 1)[0]?.trim();
  if (line) return line.slice(0, 200);
  const data = event.data ?? {};
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '');
  switch (event.type) {
    case 'network':
      return `${text('method') || 'GET'} ${url ?? ''} failed${data.status ? ` (${String(data.status)})` : ''}`;
    case 'resource':
      return `Failed to load ${text('tag') || 'resource'} ${url ?? ''}`.trim();
    case 'ui':
      return `Missing element ${text('selector')}`.trim();
    case 'health_check':
      return `${text('check') || 'health'} check failing`;
    case 'performance':
      return `${text('metric') || 'performance'} over threshold`;
    default:
      return event.type;
  }
}

function scrubbedData(data: Record<string, unknown>): Record<string, unknown> {
  const copy = scrubData(data, LIMITS.maxDataDepth, storableText);
  return isRecord(copy) ? copy : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toIngestEvent(event: Event): IngestEvent {
  const message = event.message === undefined ? null : scrub(storableText(event.message));
  const stack = event.stack === undefined ? null : scrub(storableText(event.stack));
  const url = event.url === undefined ? null : scrubUrl(storableText(event.url));
  // One pass over `data`: each string and key made storable, then scrubbed.
  const data = event.data ? scrubbedData(event.data) : null;
  const input = {
    type: event.type,
    message: message ?? undefined,
    stack: stack ?? undefined,
    url: url ?? undefined,
    data: data ?? undefined,
  };
  // A kind the agent sent decides the severity; only a raw event is classified here.
  const kind = event.kind ?? classify(input).kind;
  const health = healthOf(event);
  const severity = event.severity ?? severityOf(kind);
  const grouped = isFaultEvent(event.type) && health !== true;
  return {
    id: storableText(event.id),
    type: event.type,
    kind,
    severity,
    fingerprint: event.fingerprint ?? fingerprint({ ...input, kind }),
    title: titleOf(event, message, url),
    message,
    stack,
    url,
    data,
    count: event.count ?? 1,
    occurredAt: new Date(event.timestamp),
    grouped,
    forLoop:
      event.type === 'fix_outcome' ||
      (grouped && (severity === 'critical' || event.type === 'health_check')),
  };
}

function agentIdOf(report: Report): string {
  if (report.agent === 'backend') {
    return `backend:${report.service ?? '-'}:${report.hostname ?? '-'}`;
  }
  return `frontend:${report.sessionId ?? report.hostname ?? report.service ?? '-'}`;
}

/**
 * Turns a validated report into what the store writes; `agentId` names a sender that is not one
 * of our agents (a Sentry SDK), which the report's fields would otherwise name.
 */
export function toIngestReport(
  projectId: string,
  report: Report,
  receivedAt: Date,
  agentId: string = agentIdOf(report),
): IngestReport {
  let healthy: boolean | null = null;
  for (const event of report.events) {
    const health = healthOf(event);
    if (health === false) healthy = false;
    else if (health === true && healthy === null) healthy = true;
  }
  return {
    projectId,
    reportId: randomUUID(),
    agent: report.agent,
    agentId: storableText(agentId),
    service: report.service === undefined ? null : storableText(report.service),
    sessionId: report.sessionId === undefined ? null : storableText(report.sessionId),
    hostname: report.hostname === undefined ? null : storableText(report.hostname),
    region: report.region === undefined ? null : storableText(report.region),
    url: report.url === undefined ? null : scrubUrl(storableText(report.url)),
    receivedAt,
    healthy,
    events: report.events.map(toIngestEvent),
  };
}
