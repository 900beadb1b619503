import type { Event } from '@selfheal/shared/protocol';
import { type Check, type CheckResult, runCheck } from './check.js';
import { checkFingerprint, healthEvent } from './events.js';

/** A check and what the agent knows of it. */
export interface CheckState {
  check: Check;
  fingerprint: string;
  failuresInRow: number;
  /** Past the threshold: reported as failing and handed to the healer. */
  failing: boolean;
  last: CheckResult | null;
  lastReportedAt: number;
  /** When a fix last verified the check passes; results of runs started before it are stale. */
  recoveredAt: number;
}

/** What the monitor needs from the agent. */
export interface MonitorDeps {
  service: string;
  checkTimeoutMs: number;
  failureThreshold: number;
  /** How often a passing check's state is reported even when it did not change. */
  heartbeatMs: number;
  /** How often a failing check is reported again while it keeps failing. */
  repeatFaultMs: number;
  push(event: Event): void;
  /** A check failed past its threshold (called every round while it keeps failing). */
  onFailing(state: CheckState): void;
  onCheckRun(): void;
}

/** Runs checks, counts failures in a row and reports transitions and heartbeats. */
export function createMonitor(deps: MonitorDeps) {
  const states = new Map<string, CheckState>();
  let round: Promise<void> | null = null;
  let startingUntil = 0;

  function record(state: CheckState, result: CheckResult, now: number, startedAt: number): void {
    // A round that started before a fix was verified must not report the fault again.
    if (startedAt <= state.recoveredAt) return;
    // While the service starts, a failure is expected and does not count (a start period).
    if (result.status !== 'pass' && startedAt < startingUntil) {
      state.last = result;
      return;
    }
    const threshold = state.check.failureThreshold ?? deps.failureThreshold;
    const wasFailing = state.failing;
    state.last = result;
    if (result.status === 'pass') {
      state.failuresInRow = 0;
      state.failing = false;
    } else {
      state.failuresInRow += 1;
      if (state.failuresInRow >= threshold) state.failing = true;
    }
    const changed = wasFailing !== state.failing;
    // A passing check is reported when it recovers and on the heartbeat, a failing one when it
    // starts failing and again while it keeps failing; failures below the threshold are not.
    const since = now - state.lastReportedAt;
    const due = state.failing
      ? since >= deps.repeatFaultMs
      : result.status === 'pass' && since >= deps.heartbeatMs;
    if (changed || due) {
      state.lastReportedAt = now;
      deps.push(healthEvent(deps.service, state.check, result, state.fingerprint));
    }
    if (state.failing) deps.onFailing(state);
  }

  async function runAll(): Promise<void> {
    const list = [...states.values()];
    const startedAt = Date.now();
    const results = await Promise.all(list.map((s) => runCheck(s.check, deps.checkTimeoutMs)));
    const now = Date.now();
    list.forEach((state, i) => {
      deps.onCheckRun();
      record(state, results[i] as CheckResult, now, startedAt);
    });
  }

  return {
    add(check: Check): CheckState {
      if (states.has(check.name))
        throw new Error(`a check named "${check.name}" is already registered`);
      const state: CheckState = {
        check,
        fingerprint: checkFingerprint(check.kind, deps.service, check.name),
        failuresInRow: 0,
        failing: false,
        last: null,
        lastReportedAt: Number.NEGATIVE_INFINITY,
        recoveredAt: Number.NEGATIVE_INFINITY,
      };
      states.set(check.name, state);
      return state;
    },
    /** One round of every check; a round still running is joined, not doubled. */
    round(): Promise<void> {
      if (!round) {
        round = runAll().finally(() => {
          round = null;
        });
      }
      return round;
    },
    /** Failures of runs that start before `until` (epoch ms) do not count: the service is starting. */
    startPeriod(until: number): void {
      startingUntil = Math.max(startingUntil, until);
    },
    /** A fix verified the check passes again: it is healthy without waiting for the next round. */
    recovered(state: CheckState, result: CheckResult): void {
      state.recoveredAt = Date.now();
      if (!state.failing && state.failuresInRow === 0) return;
      state.failuresInRow = 0;
      state.failing = false;
      state.last = result;
      state.lastReportedAt = Date.now();
      deps.push(healthEvent(deps.service, state.check, result, state.fingerprint));
    },
    byFingerprint(fingerprint: string): CheckState | undefined {
      for (const state of states.values()) if (state.fingerprint === fingerprint) return state;
      return undefined;
    },
    states: () => [...states.values()],
    checks: () => [...states.values()].map((s) => s.check),
  };
}

/** The monitor an agent uses. */
export type Monitor = ReturnType<typeof createMonitor>;
