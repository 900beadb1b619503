import type { z } from 'zod';

/** One wrong field in a request, by its path. */
export interface FieldError {
  field: string;
  message: string;
}

/** What a `ProblemError` answers: status, title and detail, and optionally fields and headers. */
export interface ProblemOptions {
  status: number;
  title: string;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The collector's one error type: an HTTP status and a message the caller can act on. */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(options: ProblemOptions) {
    super(options.detail, { cause: options.cause });
    this.name = 'ProblemError';
    this.status = options.status;
    this.title = options.title;
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

/** A problem answer with `status`, `title` and `detail`, for a route to throw. */
export function problem(status: number, title: string, detail: string): ProblemError {
  return new ProblemError({ status, title, detail });
}

/** A 400 listing each field that failed validation. */
export function fromZodError(error: z.ZodError, prefix = ''): ProblemError {
  const errors = error.issues.slice(0, 20).map((issue) => ({
    field: prefix + (issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)'),
    message: issue.message,
  }));
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}` : 'the request is not valid';
  return new ProblemError({ status: 400, title: 'Invalid request', detail, errors, cause: error });
}

/** A 503 asking the client to come back after `seconds`. */
export function overloaded(detail: string, seconds = 1, cause?: unknown): ProblemError {
  return new ProblemError({
    status: 503,
    title: 'Overloaded',
    detail,
    headers: { 'Retry-After': String(seconds) },
    cause,
  });
}

/** A 503 for a store that cannot be reached; the client should retry later. */
export function storeUnavailable(cause: unknown): ProblemError {
  return new ProblemError({
    status: 503,
    title: 'Store unavailable',
    detail: 'the store is not answering; retry shortly',
    headers: { 'Retry-After': '5' },
    cause,
  });
}

// Postgres SQLSTATE classes and codes that mean "the database is not there right now".
const UNREACHABLE_SQLSTATE = /^(?:08...|57P0[1-3]|53300)$/;
const UNREACHABLE_CODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * True when `error`, or an error in its `cause` chain, says the store cannot be reached
 * (connection refused or terminated, pool timeout, a closed embedded database) rather than
 * that it refused this particular query.
 */
export function isStoreUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODE.has(code) || UNREACHABLE_SQLSTATE.test(code)))
      return true;
    if (/PGlite is closed/i.test(e.message)) return true;
  }
  return false;
}
