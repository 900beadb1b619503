/** Every kind of event an agent sends. */
export const EVENT_TYPES = [
  'error',
  'network',
  'resource',
  'ui',
  'performance',
  'health_check',
  'fix_attempt',
  'fix_outcome',
] as const;
/** One kind of event an agent sends. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Event types that report a fix an agent tried and how it went. */
export const FIX_EVENT_TYPES = [
  'fix_attempt',
  'fix_outcome',
] as const satisfies readonly EventType[];

/** Event types that describe a fault and are grouped into issues: every type but the fix ones. */
export const FAULT_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter(
  (type) => !(FIX_EVENT_TYPES as readonly EventType[]).includes(type),
);

/** The error taxonomy: what kind of fault an event is. */
export const ERROR_KINDS = [
  'import_error',
  'syntax_error',
  'reference_error',
  'type_error',
  'network_error',
  'file_not_found',
  'ui_missing',
  'memory_leak',
  'long_task',
  'api_down',
  'db_down',
  'cache_down',
  'high_cpu',
  'high_memory',
  'event_loop_lag',
  'unknown',
] as const;
/** One kind in the error taxonomy. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Severities, least to most severe. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** How bad a fault is. */
export type Severity = (typeof SEVERITIES)[number];

/** What `classify` and `fingerprint` read from an event. */
export type EventFacts = {
  type: EventType;
  kind?: ErrorKind;
  message?: string;
  stack?: string;
  url?: string;
  data?: Record<string, unknown>;
};

/** True when `value` is one of the taxonomy's kinds. */
export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/** True when `value` is a severity. */
export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** True when events of this type describe a fault (as opposed to a fix). */
export function isFaultEvent(type: EventType): boolean {
  return FAULT_EVENT_TYPES.includes(type);
}
