import type { Backoff, ErrorKind, StrategyName } from '@selfheal/shared';
import type { BudgetOverrides } from './budget.js';
import type { Check } from './check.js';
import type { CpuCheckOptions } from './checks/cpu.js';
import type { ErrorRateCheckOptions } from './checks/error-rate.js';
import type { EventLoopCheckOptions } from './checks/event-loop.js';
import type { MemoryCheckOptions } from './checks/memory.js';
import type { RequestLoadCheckOptions } from './checks/request-load.js';
import type { SettingsInput } from './config.js';
import type { Counters } from './counters.js';
import type { FixHook } from './fix.js';
import type { RestartOptions } from './fixes/restart.js';
import type { ScaleOutOptions } from './fixes/scale-out.js';

/** The fixes a service provides or enables. */
export interface FixOptions {
  reconnect_database?: FixHook;
  reconnect_cache?: FixHook;
  /** On by default (`global.gc` when exposed, else reported as unavailable); false turns it off. */
  garbage_collection?: boolean | FixHook;
  /** Off by default: true or options restart this process (drain, then exit); a hook runs instead. */
  restart_service?: boolean | RestartOptions | FixHook;
  scale_out?: ScaleOutOptions | FixHook;
  /** Fixes by name, for `custom` commands and checks that name them. */
  custom?: Record<string, FixHook>;
  /**
   * How to undo an earlier run, for the collector's `rollback` commands: scale back in, and a
   * custom fix's undo under the fix's name. Any other rollback is refused with why.
   */
  undo?: UndoOptions;
}

/** The undos a service provides (the catalog's `STRATEGY_UNDO` says which strategies have one). */
export interface UndoOptions {
  scale_out?: FixHook;
  custom?: Record<string, FixHook>;
}

/** Everything `BackendAgent` takes; what is not given comes from the environment. */
export interface BackendAgentOptions extends SettingsInput {
  /** Checks besides the built-in ones (the /postgres and /redis helpers make them). */
  checks?: Check[];
  /** The built-in memory, CPU, event-loop and error-rate checks; false turns one (or all) off. */
  builtins?:
    | false
    | {
        memory?: MemoryCheckOptions | false;
        cpu?: CpuCheckOptions | false;
        eventLoop?: EventLoopCheckOptions | false;
        errorRate?: ErrorRateCheckOptions | false;
        /** Off unless given: sustained request load past this leads to scale_out. */
        requestLoad?: RequestLoadCheckOptions;
      };
  fixes?: FixOptions;
  /** Which strategies a failing check of each kind tries, in order. */
  playbook?: Partial<Record<ErrorKind, Array<StrategyName | `custom:${string}`>>>;
  /** Longest one check may take; default 5 s. */
  checkTimeoutMs?: number;
  /** Failures in a row before a fault is reported and fixed; default 3. */
  failureThreshold?: number;
  /** After `start()`, failures do not count for this long while the service comes up; default 0. */
  startPeriodMs?: number;
  /** How long a fault may take to clear after a fix before the fix counts as failed; default 5 s. */
  verifyTimeoutMs?: number;
  /** Longest an event waits before it is sent; default 1 s. */
  batchMs?: number;
  /** Most events kept through a collector outage; default 5,000. */
  maxBufferedEvents?: number;
  /** A file that keeps unsent events across an outage and a restart. */
  bufferFile?: string;
  /** Where restart backoff and a restart's pending outcome are kept; default in the temp folder. */
  stateFile?: string;
  /** Listen for commands from the collector; default true when there is a collector. */
  commands?: boolean;
  /** Seconds the collector may hold a command poll; default 25. */
  pollWaitSeconds?: number;
  /** How often a passing check's state is reported even when unchanged; default 60 s. */
  heartbeatMs?: number;
  /** How often a failing check is reported again while it keeps failing; default 10 s. */
  repeatFaultMs?: number;
  budgets?: BudgetOverrides;
  restartBackoff?: Backoff;
  /** Report uncaught exceptions and unhandled rejections; default true. */
  captureProcessErrors?: boolean;
  env?: Record<string, string | undefined>;
  /** How a restart ends the process; default `process.exit`. */
  exit?: (code: number) => void;
  /** Where the agent tells about its own trouble; default nowhere (counted in `counters`). */
  onLog?: (message: string) => void;
}

/** A snapshot of the agent for people and tests. */
export interface AgentStatus {
  service: string;
  agentId: string;
  running: boolean;
  draining: boolean;
  checks: Array<{
    name: string;
    kind: ErrorKind;
    fingerprint: string;
    status: string;
    failuresInRow: number;
    failing: boolean;
    message?: string;
  }>;
  pendingEvents: number;
  counters: Counters;
}
