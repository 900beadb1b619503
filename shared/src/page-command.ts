/**
 * The zod-free check a page agent runs on a command from the collector (the report answer's
 * `commands`): the page bundle cannot carry zod, and error text never chooses an action, so only a
 * well-formed command for a page strategy with parameters that fit the catalog passes.
 */
import { LIMITS } from './limits.js';
import {
  checkParamsAgainst,
  PAGE_STRATEGY_RULES,
  type PageStrategyName,
} from './strategy-rules.js';

/** A command a page agent may carry out: the fields of the protocol's `Command` it reads. */
export interface PageCommand {
  id: string;
  decisionId: string | undefined;
  fingerprint: string;
  strategy: PageStrategyName;
  params: Record<string, unknown>;
  /** Epoch milliseconds after which the command must not run. */
  expiresAt: number;
}

/** A command for the page, or the reason `value` is not one. */
export type PageCommandCheck = { ok: true; command: PageCommand } | { ok: false; reason: string };

/** Checks one entry of a report answer's `commands` for a page agent at time `now`. */
export function toPageCommand(value: unknown, now: number = Date.now()): PageCommandCheck {
  if (value === null || typeof value !== 'object') return fail('not an object');
  const raw = value as Record<string, unknown>;
  if (raw.type !== 'command') return fail('not a command');
  const id = raw.id;
  if (typeof id !== 'string' || id === '' || id.length > LIMITS.maxIdLength) return fail('bad id');
  if (raw.target !== 'page') return fail('not for a page');
  const fingerprint = raw.fingerprint;
  if (typeof fingerprint !== 'string' || !/^[0-9a-z_-]{1,64}$/i.test(fingerprint))
    return fail('bad fingerprint');
  const strategy = raw.strategy;
  // Exactly the strategies whose targets include the page (a test holds the two lists together).
  if (typeof strategy !== 'string' || !Object.hasOwn(PAGE_STRATEGY_RULES, strategy))
    return fail('not a page strategy');
  const name = strategy as PageStrategyName;
  const params = raw.params ?? {};
  const wrong = checkParamsAgainst(name, PAGE_STRATEGY_RULES[name].params, params);
  if (wrong) return fail(wrong);
  const expiresAt = typeof raw.expiresAt === 'string' ? Date.parse(raw.expiresAt) : Number.NaN;
  if (!Number.isFinite(expiresAt)) return fail('bad expiresAt');
  if (expiresAt <= now) return fail('expired');
  const decisionId = typeof raw.decisionId === 'string' ? raw.decisionId : undefined;
  return {
    ok: true,
    command: {
      id,
      decisionId,
      fingerprint,
      strategy: name,
      params: params as Record<string, unknown>,
      expiresAt,
    },
  };
}

function fail(reason: string): PageCommandCheck {
  return { ok: false, reason };
}
