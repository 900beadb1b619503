import type { MiddlewareHandler } from 'hono';
import type { KeyVariables } from '../auth.js';
import { overloaded, ProblemError } from '../errors.js';
import type { BodyBudget, BudgetScope } from './body-budget.js';
import { clientAddressOf } from './client-address.js';
import { type BodyLimits, declaredLength, readBodyText, tooLarge } from './read-body.js';

/** Why a body was refused before its route saw it. */
export type BodyRefusal = 'too_large' | 'overloaded' | 'timeout' | 'invalid';

const OVERLOADED: Record<BudgetScope, string> = {
  client: 'this client is sending too many request bodies at once; retry shortly',
  project: 'this project is sending too many request bodies at once; retry shortly',
  total: 'too many request bodies are being received at once; retry shortly',
};

function refusalOf(error: unknown): BodyRefusal {
  if (!(error instanceof ProblemError)) return 'invalid';
  if (error.status === 413) return 'too_large';
  if (error.status === 408) return 'timeout';
  return error.status === 503 ? 'overloaded' : 'invalid';
}

/**
 * Reads the body before the route, after the project key: a declared size over `maxBytes` is a
 * 413 at once; the declared size (or `maxBytes` for a chunked body) is reserved against the
 * budget for the client address and the project, 503 when either or the total is full; the
 * body must arrive within `timeoutMs` (else 408). The bytes stay reserved until the route answers.
 */
export function boundedBody(
  budget: BodyBudget,
  limits: BodyLimits,
  onRefuse?: (reason: BodyRefusal) => void,
): MiddlewareHandler<{ Variables: KeyVariables }> {
  return async (c, next) => {
    let release: (() => void) | undefined;
    try {
      const declared = declaredLength(c);
      if (declared !== undefined && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
      const held = budget.reserve(
        declared ?? limits.maxBytes,
        clientAddressOf(c),
        c.var.principal.project.id,
      );
      if (typeof held === 'string') throw overloaded(OVERLOADED[held]);
      release = held;
      await readBodyText(c, limits);
    } catch (error) {
      release?.();
      onRefuse?.(refusalOf(error));
      throw error;
    }
    try {
      await next();
    } finally {
      release();
    }
  };
}
