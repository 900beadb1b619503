import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ErrorKind, StrategyName } from '@selfheal/shared';
import type { RestartState } from './budget.js';

/** A fix that ended the process; its outcome is verified and reported by the next one. */
export interface PendingOutcome {
  strategy: StrategyName;
  fingerprint: string;
  kind?: ErrorKind;
  check?: string;
  customName?: string;
  commandId?: string;
  decisionId?: string;
  local: boolean;
  startedAt: number;
}

/** What the agent keeps across its own restarts. */
export interface AgentState {
  restart?: RestartState;
  pending?: PendingOutcome;
}

/** Reads the state file; a missing or unreadable one is an empty state. */
export function readState(file: string): AgentState {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as AgentState;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** Writes the state file at once (the process may be about to exit). */
export function writeState(file: string, state: AgentState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}
