import { createHash, randomUUID } from 'node:crypto';
import { classify, fingerprint, scrub } from '@selfheal/shared';
import type { Event, SentryEvent } from '@selfheal/shared/protocol';
import { LIMITS } from '@selfheal/shared/protocol';

/** A Sentry event as one of ours, with what its report needs around it. */
export interface FromSentry {
  event: Event;
  /** The page the event happened on (`request.url`). */
  url: string | undefined;
  /** `server_name`, for an event from a server-side SDK. */
  hostname: string | undefined;
  /** Who sent it, as the agent id of its report: SDK and host. */
  agentId: string;
  /** True for an event from a server-side SDK (platform other than javascript in a browser). */
  server: boolean;
}

type Frame = NonNullable<NonNullable<NonNullable<SentryException['stacktrace']>['frames']>>[number];
type SentryException = NonNullable<
  Extract<NonNullable<SentryEvent['exception']>, unknown[]>
>[number];

// What the browser SDK writes for a rejected promise whose reason is not an Error.
const NON_ERROR_REJECTION = /^Non-Error promise rejection captured with value: ([\s\S]*)$/;
const SERVER_PLATFORMS = new Set([
  'node',
  'python',
  'java',
  'go',
  'ruby',
  'php',
  'csharp',
  'elixir',
]);
const MAX_FRAMES = 64;
// The HTTP client integrations' mechanism: `auto.http.client.fetch`, `…xhr`, `http.client` before.
const HTTP_CLIENT = /^(?:auto\.)?http\.client(?:\.|$)/;

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function exceptionsOf(event: SentryEvent): SentryException[] {
  const exception = event.exception;
  if (!exception) return [];
  return (Array.isArray(exception) ? exception : (exception.values ?? [])) ?? [];
}

/** The thrown error's message as our agents write it: `Name: value`. */
function messageOf(event: SentryEvent, thrown: SentryException | undefined): string | undefined {
  if (thrown) {
    const value = thrown.value ?? '';
    const rejected = thrown.type === 'UnhandledRejection' && NON_ERROR_REJECTION.exec(value);
    if (rejected) return rejected[1];
    if (thrown.type && value) return `${thrown.type}: ${value}`;
    return thrown.type || value || undefined;
  }
  const message = event.logentry ?? event.message;
  if (typeof message === 'string') return message || undefined;
  return message?.formatted || message?.message || undefined;
}

/** A V8-style line for one frame, so the shared fingerprint reads it as it reads our agents'. */
function frameLine(frame: Frame): string | undefined {
  const file = frame.abs_path || frame.filename;
  if (!file) return undefined;
  const where = `${file}:${frame.lineno ?? 0}${frame.colno ? `:${frame.colno}` : ''}`;
  const name = frame.function && frame.function !== '?' ? frame.function : '';
  return name ? `    at ${name} (${where})` : `    at ${where}`;
}

/**
 * The stack as our agents send it: the error's first line, then its frames from the top (where
 * it was thrown) down. Sentry lists frames the other way round.
 */
function stackOf(thrown: SentryException | undefined, message: string | undefined) {
  const frames = thrown?.stacktrace?.frames ?? [];
  if (frames.length === 0) return undefined;
  const lines = frames
    .slice(-MAX_FRAMES)
    .reverse()
    .map(frameLine)
    .filter((line): line is string => line !== undefined);
  if (lines.length === 0) return undefined;
  return [message ?? thrown?.type ?? 'Error', ...lines].join('\n');
}

/** Up to `max` entries whose values are strings, numbers or booleans: flat, so `data` stays small. */
function flat(entries: Array<[string, unknown]>, max: number): Record<string, unknown> | undefined {
  const kept = entries
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .slice(0, max)
    .map(([key, value]) => [key, typeof value === 'string' ? truncate(value, 2_048) : value]);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function tagsOf(tags: SentryEvent['tags']): Record<string, unknown> | undefined {
  if (!tags) return undefined;
  return flat(Array.isArray(tags) ? tags : Object.entries(tags), 50);
}

function contextsOf(contexts: SentryEvent['contexts']): Record<string, unknown> | undefined {
  if (!contexts) return undefined;
  const kept: Record<string, unknown> = {};
  for (const name of ['os', 'browser', 'runtime', 'device'] as const) {
    const value = contexts[name];
    const fields = value && typeof value === 'object' ? flat(Object.entries(value), 20) : undefined;
    if (fields) kept[name] = fields;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function timestampOf(value: SentryEvent['timestamp'], fallback: number): number {
  if (typeof value === 'number') return Math.round(value * 1000);
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return fallback;
}

/** The response of an HTTP client error event, as the HTTP client integrations record it. */
function responseStatus(event: SentryEvent): number | undefined {
  const response = event.contexts?.response as { status_code?: unknown } | undefined;
  const status = Number(response?.status_code);
  return Number.isInteger(status) && status > 0 ? status : undefined;
}

/** A Sentry `fingerprint` as one of ours; `{{ default }}` stands for the usual fingerprint. */
function overrideOf(
  parts: ReadonlyArray<string | number>,
  usual: string,
  vars: Record<string, string>,
): string {
  const values = parts.map((part) =>
    String(part).replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole),
  );
  if (values.length === 1 && values[0] === usual) return usual;
  return createHash('sha256').update(values.join('\u001f')).digest('hex').slice(0, 16);
}

/**
 * A Sentry event as the event our own agent would have sent for the same fault: the thrown
 * exception's `type: value` as the message, its frames as a top-first stack, an HTTP client
 * error as a `network` event, classified and fingerprinted by the same shared functions. Sentry's
 * `level`, `tags`, `release`, `environment` and the `os`, `browser`, `runtime` and `device`
 * contexts are kept in `data`.
 */
export function fromSentryEvent(sentry: SentryEvent, now: number): FromSentry {
  const exceptions = exceptionsOf(sentry);
  const thrown = exceptions.at(-1);
  const mechanism = thrown?.mechanism?.type ?? undefined;
  const url = sentry.request?.url ?? undefined;
  const platform = sentry.platform ?? 'javascript';
  const server = SERVER_PLATFORMS.has(platform) || Boolean(sentry.server_name);
  const sentryData: Record<string, unknown> = {
    platform,
    ...(sentry.level && { level: truncate(sentry.level, 64) }),
    ...(sentry.release && { release: truncate(sentry.release, 2_048) }),
    ...(sentry.environment && { environment: truncate(sentry.environment, 2_048) }),
    ...(sentry.server_name && { serverName: truncate(sentry.server_name, 2_048) }),
    ...(sentry.transaction && { transaction: truncate(sentry.transaction, 2_048) }),
    ...(mechanism && { mechanism: truncate(mechanism, 256) }),
    ...(thrown?.mechanism?.handled != null && { handled: thrown.mechanism.handled }),
  };
  const tags = tagsOf(sentry.tags);
  if (tags) sentryData.tags = tags;
  const contexts = contextsOf(sentry.contexts);
  if (contexts) sentryData.contexts = contexts;

  const status = responseStatus(sentry);
  let input: Pick<Event, 'type' | 'message' | 'stack' | 'url'> & { data: Record<string, unknown> };
  if (mechanism && HTTP_CLIENT.test(mechanism) && url) {
    const method = (sentry.request?.method ?? 'GET').toUpperCase();
    const what = status ? `HTTP ${status}` : 'network error';
    input = {
      type: 'network',
      message: `${method} ${url} failed: ${what}`,
      url,
      data: { method, url, ...(status && { status }) },
    };
  } else {
    const message = messageOf(sentry, thrown);
    const stack = stackOf(thrown, message);
    input = {
      type: 'error',
      ...(message !== undefined && { message: truncate(message, LIMITS.maxMessageLength) }),
      ...(stack !== undefined && { stack: truncate(stack, LIMITS.maxStackLength) }),
      ...(url !== undefined && { url: truncate(url, LIMITS.maxUrlLength) }),
      data: {
        ...(thrown?.type && { name: truncate(thrown.type, 2_048) }),
        source: mechanism ? `sentry:${mechanism}` : 'sentry',
      },
    };
  }
  // Grouped as our agent on the same side would group it: the page agent reads the raw text, the
  // collector reads a backend agent's text once scrubbed.
  const facts = server
    ? {
        ...input,
        ...(input.message !== undefined && { message: scrub(input.message) }),
        ...(input.stack !== undefined && { stack: scrub(input.stack) }),
      }
    : input;
  const { kind } = classify(facts);
  const usual = fingerprint({ ...facts, kind });
  const vars: Record<string, string> = {
    default: usual,
    type: thrown?.type ?? '',
    value: thrown?.value ?? '',
    level: sentry.level ?? '',
    transaction: sentry.transaction ?? '',
  };
  const grouping = sentry.fingerprint?.length ? overrideOf(sentry.fingerprint, usual, vars) : usual;
  const event = {
    ...input,
    id: sentry.event_id?.replaceAll('-', '').toLowerCase() ?? randomUUID().replaceAll('-', ''),
    timestamp: timestampOf(sentry.timestamp, now),
    kind,
    fingerprint: grouping,
    ...(sentry.level === 'fatal' && { severity: 'critical' as const }),
    data: { ...input.data, sentry: sentryData },
  } as Event;
  const sdk = sentry.sdk?.name ?? 'sentry';
  const host = sentry.server_name ?? (url ? safeHost(url) : undefined) ?? '-';
  return {
    event,
    url: url === undefined ? undefined : truncate(url, LIMITS.maxUrlLength),
    hostname: sentry.server_name ? truncate(sentry.server_name, LIMITS.maxNameLength) : undefined,
    agentId: truncate(`sentry:${sdk}:${host}`, LIMITS.maxNameLength),
    server,
  };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
