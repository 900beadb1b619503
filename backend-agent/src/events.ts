import { randomUUID } from 'node:crypto';
import {
  type ErrorKind,
  fingerprint,
  LIMITS,
  type Severity,
  type StrategyName,
} from '@selfheal/shared';
import type { Event, FixAttemptData, FixOutcomeData } from '@selfheal/shared/protocol';
import type { CheckResult } from './check.js';

/** The fingerprint of a check's fault: the same (kind, service, check) always gives the same one. */
export function checkFingerprint(kind: ErrorKind, service: string, check: string): string {
  return fingerprint({ type: 'health_check', kind, data: { check, service } });
}

const SEVERITY: Partial<Record<ErrorKind, Severity>> = {
  api_down: 'critical',
  db_down: 'critical',
  cache_down: 'high',
  high_memory: 'high',
};

/** A `health_check` event for one check's result. */
export function healthEvent(
  service: string,
  check: { name: string; kind: ErrorKind; severity?: Severity },
  result: CheckResult,
  print: string,
): Event {
  return {
    id: randomUUID(),
    type: 'health_check',
    timestamp: Date.now(),
    kind: check.kind,
    fingerprint: print,
    severity:
      result.status === 'fail'
        ? (check.severity ?? SEVERITY[check.kind] ?? 'medium')
        : result.status === 'warn'
          ? 'medium'
          : 'low',
    message: clip(
      result.status === 'pass'
        ? `${check.name} check passes`
        : `${check.name} check ${result.status === 'warn' ? 'warns' : 'fails'}: ${result.message ?? check.kind}`,
      LIMITS.maxMessageLength,
    ),
    data: {
      check: check.name,
      status: result.status,
      service,
      ...(result.value !== undefined && Number.isFinite(result.value)
        ? { value: result.value }
        : {}),
      ...(result.threshold !== undefined && Number.isFinite(result.threshold)
        ? { threshold: result.threshold }
        : {}),
    },
  };
}

/** A `fix_attempt` event: a fix is about to run. */
export function attemptEvent(data: FixAttemptData): Event {
  return {
    id: randomUUID(),
    type: 'fix_attempt',
    timestamp: Date.now(),
    fingerprint: data.fingerprint,
    message: `${describe(data.strategy, data.customName)} started`,
    data: strip(data),
  };
}

/** A `fix_outcome` event: whether the fix worked, as the agent verified it. */
export function outcomeEvent(data: FixOutcomeData): Event {
  return {
    id: randomUUID(),
    type: 'fix_outcome',
    timestamp: Date.now(),
    fingerprint: data.fingerprint,
    message: `${describe(data.strategy, data.customName)} ${data.success ? 'worked' : 'did not work'}`,
    data: strip({ ...data, ...(data.detail ? { detail: clip(data.detail, 2_048) } : {}) }),
  };
}

/** An `error` event for something thrown in the service. */
export function errorEvent(error: unknown, data: Record<string, unknown>, message?: string): Event {
  const err = error instanceof Error ? error : undefined;
  const text =
    message ?? (err ? `${err.name}: ${err.message}` : `Non-error thrown: ${String(error)}`);
  return {
    id: randomUUID(),
    type: 'error',
    timestamp: Date.now(),
    message: clip(text, LIMITS.maxMessageLength),
    ...(err?.stack ? { stack: clip(err.stack, LIMITS.maxStackLength) } : {}),
    data: { ...(err ? { name: clip(err.name, 256) } : {}), ...data },
  };
}

function describe(strategy: StrategyName, customName?: string): string {
  return customName ? `${strategy} (${customName})` : strategy;
}

function strip<T extends object>(data: T): T {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as T;
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
