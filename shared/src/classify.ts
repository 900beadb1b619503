import {
  ERROR_NAMES,
  ERROR_PATTERNS,
  HEALTH_CHECKS,
  KIND_SEVERITY,
  PERFORMANCE_METRICS,
} from './classify-patterns.js';
import { memoize } from './memo.js';
import type { ErrorKind, EventFacts, Severity } from './taxonomy.js';

/** The severity a kind has unless an agent says otherwise. */
export function severityOf(kind: ErrorKind): Severity {
  return KIND_SEVERITY[kind];
}

/** Where an event sits in the taxonomy and how bad it is. */
export type Classification = { kind: ErrorKind; severity: Severity };

// Long enough for any runtime's message and header; keeps matching cheap on huge payloads.
const MAX_TEXT = 4096;
const FRAME_LINE = /^\s*at\s|@[^\s@]*:\d+(?::\d+)?\)?\s*$|^\s*\[native code\]\s*$/;
const NAME_PREFIX = /^(?:Uncaught (?:\(in promise\) )?)?([A-Z]\w*Error)\b/m;
const UNKNOWN: Classification = { kind: 'unknown', severity: 'low' };
const CONNECTION_KINDS: readonly ErrorKind[] = ['api_down', 'db_down', 'cache_down'];

/** The kind and default severity of an event, from its type, data and message text. */
export function classify(input: EventFacts): Classification {
  const data = input.data ?? {};
  switch (input.type) {
    case 'error':
      return of(classifyError(input, data));
    case 'network':
      return classifyNetwork(input, data);
    case 'resource':
      return of(data.tag === 'script' && data.module === true ? 'import_error' : 'file_not_found');
    case 'ui':
      return of('ui_missing');
    case 'performance':
      return of(lookup(PERFORMANCE_METRICS, data.metric) ?? 'unknown');
    case 'health_check':
      return of(lookup(HEALTH_CHECKS, data.check) ?? matchText(textOf(input, data)) ?? 'unknown');
    default:
      return UNKNOWN;
  }
}

function of(kind: ErrorKind): Classification {
  return { kind, severity: KIND_SEVERITY[kind] };
}

function classifyError(input: EventFacts, data: Record<string, unknown>): ErrorKind {
  const text = textOf(input, data);
  const matched = matchText(text);
  if (matched) return matched;
  const name = typeof data.name === 'string' ? data.name : NAME_PREFIX.exec(text)?.[1];
  return (name && Object.hasOwn(ERROR_NAMES, name) && ERROR_NAMES[name]) || 'unknown';
}

function classifyNetwork(input: EventFacts, data: Record<string, unknown>): Classification {
  const status = Number(data.status);
  if (status >= 500) return of('api_down');
  if (status === 404 || status === 410) return of('file_not_found');
  if (!status || data.timedOut === true || typeof data.errorText === 'string') {
    // A failed request that names a refused database or cache port says more than "network".
    const matched = matchText(textOf(input, data));
    return of(matched && CONNECTION_KINDS.includes(matched) ? matched : 'network_error');
  }
  return UNKNOWN;
}

const matchText = memoize((text: string): ErrorKind | undefined => {
  if (!text) return undefined;
  for (const [pattern, kind] of ERROR_PATTERNS) if (pattern.test(text)) return kind;
  return undefined;
});

/** The error name, message, `data.errorText` and the non-frame lines of the stack, one per line. */
function textOf(input: EventFacts, data: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof data.name === 'string') parts.push(data.name);
  if (input.message) parts.push(input.message);
  if (typeof data.errorText === 'string') parts.push(data.errorText);
  if (input.stack) {
    // Frame lines hold file names and line numbers that would trip patterns such as "404".
    const stack = input.stack.slice(0, MAX_TEXT);
    for (const line of stack.split('\n')) if (!FRAME_LINE.test(line)) parts.push(line);
  }
  return parts.join('\n').slice(0, MAX_TEXT);
}

function lookup(table: Readonly<Record<string, ErrorKind>>, key: unknown): ErrorKind | undefined {
  if (typeof key !== 'string') return undefined;
  const normalized = key
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return Object.hasOwn(table, normalized) ? table[normalized] : undefined;
}
