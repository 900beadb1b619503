/**
 * A guard around a model: answers are cached per issue for a while, concurrent calls for one
 * issue share one call, and calls beyond the hourly budget are refused. In-process only; across
 * collectors, the one-decision-per-fingerprint row keeps calls single.
 */
import { createMinuteQuota } from './minute-quota.js';
import type { ModelAnswer, ModelPort, ModelRequest } from './types.js';

/** How a guard limits calls. */
export interface ModelGuardOptions {
  /** LLM_MAX_CALLS_PER_HOUR: most calls that reach the model in any rolling hour. */
  maxCallsPerHour: number;
  /** LLM_MAX_CALLS_PER_MINUTE: most calls for one project in any rolling minute; 0: no cap. */
  maxCallsPerMinutePerProject?: number;
  /** How long an answer is reused for the same issue. */
  cacheTtlMs: number;
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: () => number;
}

/** What a guard has done since it was created. */
export interface ModelGuardStats {
  calls: number;
  cacheHits: number;
  joined: number;
  refused: number;
  failures: number;
}

/** A guarded model port, with its counters. */
export interface ModelGuard extends ModelPort {
  stats(): ModelGuardStats;
  /** Calls still allowed in the current rolling hour. */
  remaining(): number;
}

/** Thrown when a call would exceed the hourly budget; the engine falls back to the rules. */
export class ModelBudgetError extends Error {
  override readonly name = 'ModelBudgetError';
}

const HOUR = 3_600_000;
const MAX_CACHED = 10_000;

/** A model port that caches per issue, joins concurrent calls, and keeps to the hourly budget. */
export function createModelGuard(model: ModelPort, options: ModelGuardOptions): ModelGuard {
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { answer: ModelAnswer; expires: number }>();
  const inFlight = new Map<string, Promise<ModelAnswer>>();
  const calls: number[] = [];
  const perProject = createMinuteQuota(options.maxCallsPerMinutePerProject ?? 0);
  const stats: ModelGuardStats = { calls: 0, cacheHits: 0, joined: 0, refused: 0, failures: 0 };

  function prune(now: number): void {
    while (calls.length > 0 && (calls[0] ?? 0) <= now - HOUR) calls.shift();
  }

  function remember(key: string, answer: ModelAnswer, now: number): void {
    if (options.cacheTtlMs <= 0) return;
    if (cache.size >= MAX_CACHED) {
      for (const [oldKey, entry] of cache) if (entry.expires <= now) cache.delete(oldKey);
      // Still full of live entries: drop the oldest (Map keeps insertion order).
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value ?? '');
    }
    cache.set(key, { answer, expires: now + options.cacheTtlMs });
  }

  return {
    model: model.model,
    stats: () => ({ ...stats }),
    remaining() {
      prune(clock());
      return Math.max(0, options.maxCallsPerHour - calls.length);
    },
    suggest(request: ModelRequest, signal?: AbortSignal): Promise<ModelAnswer> {
      const key = `${request.project}\u0000${request.fingerprint}`;
      const now = clock();
      const hit = cache.get(key);
      if (hit && hit.expires > now) {
        stats.cacheHits++;
        return Promise.resolve({ ...hit.answer, cached: true });
      }
      if (hit) cache.delete(key);
      const pending = inFlight.get(key);
      if (pending) {
        stats.joined++;
        return pending.then((answer) => ({ ...answer, cached: true }));
      }
      prune(now);
      if (calls.length >= options.maxCallsPerHour) {
        stats.refused++;
        return Promise.reject(
          new ModelBudgetError(`LLM budget of ${options.maxCallsPerHour} calls an hour is spent`),
        );
      }
      if (!perProject.take(request.project, now)) {
        stats.refused++;
        return Promise.reject(
          new ModelBudgetError(
            `LLM budget of ${options.maxCallsPerMinutePerProject} calls a minute for project ${request.project} is spent`,
          ),
        );
      }
      calls.push(now);
      stats.calls++;
      const call = model.suggest(request, signal).then(
        (answer) => {
          remember(key, answer, clock());
          return answer;
        },
        (error: unknown) => {
          stats.failures++;
          throw error;
        },
      );
      inFlight.set(key, call);
      // Failures are not cached: the next decision for the issue may try again, within budget.
      call.then(
        () => inFlight.delete(key),
        () => inFlight.delete(key),
      );
      return call;
    },
  };
}
