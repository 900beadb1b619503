import type { PageCommand, StrategyName } from '@selfheal/shared';
import type { Event as AgentEvent } from '@selfheal/shared/protocol';
import type { Budgets } from './budget.js';
import type { FaultInput } from './events.js';
import type { StatusBook } from './status.js';
import type { AgentConfig } from './types.js';

/** The page the agent runs in. */
export type PageWindow = Window & typeof globalThis;

/** A fix to start: what it is for, and the command behind it when the collector asked for it. */
export interface FixSpec {
  strategy: StrategyName;
  fingerprint: string;
  kind?: AgentEvent['kind'];
  command?: PageCommand | undefined;
  /** The attempt was reported before a reload; only the outcome is left to report. */
  resumed?: { startedAt: number };
}

/** A started fix; `finish` reports its verified outcome once (later calls are ignored). */
export interface FixHandle {
  finish(success: boolean, verifiedBy: string, detail?: string): void;
}

/** What every instrument, detector and fix shares. */
export interface AgentContext {
  win: PageWindow;
  config(): AgentConfig;
  book: StatusBook;
  budgets: Budgets;
  now(): number;
  random(): number;
  /**
   * Classifies, fingerprints, scrubs, records and reports a fault (its `url` is the page's unless
   * it names one); undefined if that failed.
   */
  fault(input: FaultInput): AgentEvent | undefined;
  /** Reports a fix attempt now and returns the handle for its outcome. */
  startFix(spec: FixSpec): FixHandle;
  /** Calls `listener` with each fault recorded from now on; returns an unsubscribe. */
  onFault(listener: (event: AgentEvent) => void): () => void;
  /** `fn` that counts and swallows its own exceptions instead of throwing into the page. */
  safe<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  /** Sends waiting events; `final` uses keepalive (the page is going away). */
  flush(final: boolean): Promise<void>;
}

/** Resolves true when no fault with `fingerprint` is recorded within `windowMs`, false at the first one. */
export function verifyByAbsence(
  ctx: AgentContext,
  fingerprint: string,
  windowMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: unknown;
    const unsubscribe = ctx.onFault((event) => {
      if (event.fingerprint !== fingerprint) return;
      ctx.clearTimer(timer);
      unsubscribe();
      resolve(false);
    });
    timer = ctx.setTimer(() => {
      unsubscribe();
      resolve(true);
    }, windowMs);
  });
}
