import type { z } from 'zod';

/** One wrong field in a request, by its path. */
export interface FieldError {
  field: string;
  message: string;
}

/** The collector's one error type: an HTTP status and a message the caller can act on. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ProblemError';
  }
}

/** A 400 listing each field that failed validation. */
export function fromZodError(error: z.ZodError, prefix = ''): ProblemError {
  const errors = error.issues.slice(0, 20).map((issue) => ({
    field: prefix + (issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)'),
    message: issue.message,
  }));
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}` : 'the request is not valid';
  return new ProblemError(400, 'Invalid request', detail, errors);
}

/** A 503 asking the client to come back after `seconds`. */
export function overloaded(detail: string, seconds = 1): ProblemError {
  return new ProblemError(503, 'Overloaded', detail, undefined, {
    'Retry-After': String(seconds),
  });
}
