import type { ErrorKind, Severity } from '@selfheal/shared';

/** What one run of a check found. */
export interface CheckResult {
  /** `warn`: not failing yet, but heading there (a trend); counts toward the threshold like a failure. */
  status: 'pass' | 'warn' | 'fail';
  /** What was measured (ms, bytes, a ratio), for people and the dashboard. */
  value?: number;
  threshold?: number;
  message?: string;
}

/** A health check: a name, the kind of fault its failure is, and how to run it. */
export interface Check {
  /** Unique within the agent: `db`, `cache`, `api`, `memory`, … */
  name: string;
  kind: ErrorKind;
  run(signal: AbortSignal): Promise<CheckResult> | CheckResult;
  /** Longest one run may take before it counts as a failure; default 5 s. */
  timeoutMs?: number;
  /** Failures in a row before the fault is reported and fixed; default 3. */
  failureThreshold?: number;
  /** How bad its failure is; default by kind (api_down and db_down critical, …). */
  severity?: Severity;
  /** Frees what the check holds (a histogram, a timer) when the agent stops. */
  dispose?(): void;
}

/** Runs `check` within its timeout; a throw or a timeout is a failure, never an exception. */
export async function runCheck(check: Check, defaultTimeoutMs: number): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'fail', message: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(() => check.run(controller.signal))
        .then(toResult),
      timeout,
    ]);
  } catch (error) {
    return { status: 'fail', message: errorText(error) };
  } finally {
    clearTimeout(timer);
  }
}

function toResult(value: unknown): CheckResult {
  const result = value as CheckResult | undefined;
  if (
    result &&
    (result.status === 'pass' || result.status === 'warn' || result.status === 'fail')
  ) {
    return result;
  }
  return { status: 'fail', message: 'the check returned no status' };
}

/** A short message for an unknown thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 1_000) || error.name;
  return String(error).slice(0, 1_000);
}
