import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkParams, type ErrorKind, PROTOCOL_VERSION, type StrategyName } from '@selfheal/shared';
import type { Command, Event } from '@selfheal/shared/protocol';
import {
  type Backoff,
  type BudgetOverrides,
  type Budgets,
  createBudgets,
  RESTART_BACKOFF,
} from './budget.js';
import { type Check, errorText, runCheck } from './check.js';
import { type CpuCheckOptions, cpuCheck } from './checks/cpu.js';
import { type ErrorRateCheckOptions, errorRateCheck } from './checks/error-rate.js';
import { type EventLoopCheckOptions, eventLoopCheck } from './checks/event-loop.js';
import { type MemoryCheckOptions, memoryCheck } from './checks/memory.js';
import { type RequestLoadCheckOptions, requestLoadCheck } from './checks/request-load.js';
import { type CommandChannel, createCommandChannel } from './commands.js';
import { type AgentSettings, ConfigError, resolveSettings, type SettingsInput } from './config.js';
import { bump, type Counters, createCounters } from './counters.js';
import { errorEvent, outcomeEvent } from './events.js';
import { DEFAULT_PLAYBOOK, type Fix, type FixHook, hookFix } from './fix.js';
import { gcFix } from './fixes/gc.js';
import { type RestartOptions, selfRestartFix } from './fixes/restart.js';
import { type ScaleOutOptions, scaleOutFix } from './fixes/scale-out.js';
import { createHealer, type Healer, type HealRequest } from './healer.js';
import { type CheckState, createMonitor, type Monitor } from './monitor.js';
import { captureProcessErrors } from './process-errors.js';
import { createReporter, delay, type Reporter } from './reporter.js';
import { createRequestStats, type RequestRecord, type RequestStats } from './requests.js';
import { createSpool } from './spool.js';
import { type AgentState, readState, writeState } from './state.js';

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
  /** How often every check's state is reported even when unchanged; default 60 s. */
  heartbeatMs?: number;
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

const HANDLED_COMMANDS = 1_000;

/**
 * The backend agent: runs health checks, fixes what it may on the spot and verifies it, carries
 * out the collector's commands, and reports everything in batches. It never throws into its host
 * and its timers never keep the process alive.
 */
export class BackendAgent {
  readonly settings: AgentSettings;
  readonly counters: Counters = createCounters();
  readonly agentId: string;
  readonly requests: RequestStats;
  private readonly options: BackendAgentOptions;
  private readonly reporter: Reporter;
  private readonly monitor: Monitor;
  private readonly healer: Healer;
  private readonly budgets: Budgets;
  private readonly fixes = new Map<string, Fix>();
  private readonly channel: CommandChannel | null;
  private readonly handled = new Map<string, string | null>();
  private readonly healing = new Set<string>();
  private readonly drainHooks = new Set<() => unknown>();
  private readonly stateFile: string;
  private state: AgentState;
  private timer: NodeJS.Timeout | undefined;
  private releaseProcessErrors: (() => void) | undefined;
  private inflight = 0;
  private running = false;
  private isDraining = false;

  constructor(options: BackendAgentOptions = {}) {
    this.options = options;
    this.settings = resolveSettings(options, options.env ?? process.env);
    const { serviceName, hostname, collectorUrl, projectKey } = this.settings;
    this.agentId = `${serviceName}:${hostname}`;
    const onError = (where: string, error: unknown) => this.fault(where, error);
    const push = (event: Event) => this.reporter.push(event);
    this.reporter = createReporter({
      collectorUrl,
      projectKey,
      service: serviceName,
      hostname,
      batchMs: positive('batchMs', options.batchMs ?? 1_000),
      maxBuffered: positive('maxBufferedEvents', options.maxBufferedEvents ?? 5_000),
      ...(options.bufferFile ? { spool: createSpool(options.bufferFile) } : {}),
      counters: this.counters,
      onError,
    });
    this.budgets = createBudgets(options.budgets, options.restartBackoff ?? RESTART_BACKOFF);
    this.stateFile =
      options.stateFile ??
      join(tmpdir(), `selfheal-agent-${serviceName.replace(/[^\w.-]/g, '_')}.json`);
    this.state = readState(this.stateFile);
    if (this.state.restart) this.budgets.loadRestartState(this.state.restart);
    const intervalMs = this.settings.checkInterval * 1000;
    this.monitor = createMonitor({
      service: serviceName,
      checkTimeoutMs: positive('checkTimeoutMs', options.checkTimeoutMs ?? 5_000),
      failureThreshold: positive('failureThreshold', options.failureThreshold ?? 3),
      heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? 60_000),
      push,
      onFailing: (state) => this.autonomy(state),
      onCheckRun: () => {
        this.counters.checksRun += 1;
      },
    });
    this.healer = createHealer({
      findFix: (strategy, name) =>
        this.fixes.get(strategy === 'custom' ? `custom:${name ?? ''}` : strategy),
      budgets: this.budgets,
      push,
      allChecks: () => this.monitor.checks(),
      checkTimeoutMs: options.checkTimeoutMs ?? 5_000,
      settleMs: positive('verifyTimeoutMs', options.verifyTimeoutMs ?? 5_000),
      verifyEveryMs: Math.min(intervalMs, 1_000),
      beforeExit: async (request, startedAt) => this.savePending(request, startedAt),
      onFixRun: () => {
        this.counters.fixesRun += 1;
      },
    });
    this.requests = createRequestStats(push);
    this.installFixes(options.fixes ?? {});
    this.installChecks(options);
    const wantsCommands = options.commands ?? true;
    this.channel =
      wantsCommands && collectorUrl && projectKey
        ? createCommandChannel({
            collectorUrl,
            projectKey,
            service: serviceName,
            agentId: this.agentId,
            waitSeconds: Math.min(30, positive('pollWaitSeconds', options.pollWaitSeconds ?? 25)),
            onCommand: (command) => this.onCommand(command),
            onError,
          })
        : null;
  }

  /** Starts checking, reporting and listening for commands; returns the agent. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.reporter.start();
    this.channel?.start();
    if (this.options.captureProcessErrors !== false) {
      this.releaseProcessErrors = captureProcessErrors((error, source) => {
        try {
          this.reporter.push(errorEvent(error, { source }));
          this.reporter.saveNow();
        } catch (failure) {
          this.fault('process-errors', failure);
        }
      });
    }
    this.timer = setInterval(() => void this.tick(), this.settings.checkInterval * 1000);
    this.timer.unref();
    void this.tick().then(() => this.finishPending());
    return this;
  }

  /** Stops checks and the command channel, sends what is queued (at most `timeoutMs`). */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    this.releaseProcessErrors?.();
    await this.channel?.stop();
    for (const check of this.monitor.checks()) check.dispose?.();
    await this.reporter.stop(timeoutMs);
  }

  /** Adds a check while running. */
  addCheck(check: Check): void {
    this.monitor.add(check);
  }

  /** Runs every check once now (the timer runs them every `checkInterval`). */
  async runChecks(): Promise<void> {
    await this.monitor.round();
  }

  /** Sends what is queued now. */
  flush(): Promise<void> {
    return this.reporter.flush();
  }

  /** A finished request, from a middleware. */
  recordRequest(record: RequestRecord): void {
    try {
      this.requests.record(record);
    } catch (error) {
      this.fault('requests', error);
    }
  }

  /** Reports an error the service caught itself. */
  captureError(error: unknown, data: Record<string, unknown> = {}): void {
    try {
      this.reporter.push(errorEvent(error, { source: 'captured', ...data }));
    } catch (failure) {
      this.fault('capture', failure);
    }
  }

  /** Counts a request in flight; call the returned function when it ends (for draining). */
  trackRequest(): () => void {
    this.inflight += 1;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.inflight -= 1;
      }
    };
  }

  /** True while a restart drains: middleware answers 503 to new requests. */
  get draining(): boolean {
    return this.isDraining;
  }

  /** Runs `hook` when a restart starts draining (close the server, stop consumers). */
  onDrain(hook: () => unknown): () => void {
    this.drainHooks.add(hook);
    return () => this.drainHooks.delete(hook);
  }

  /** Graceful restart: stop taking work, drain (at most `graceMs`), send what is queued, exit. */
  async restart(graceMs = 10_000): Promise<void> {
    this.isDraining = true;
    for (const hook of this.drainHooks) {
      try {
        await hook();
      } catch (error) {
        this.fault('drain', error);
      }
    }
    const deadline = Date.now() + graceMs;
    while (this.inflight > 0 && Date.now() < deadline) await delay(50);
    await this.stop(2_000);
    this.reporter.saveNow();
    const options = this.options.fixes?.restart_service;
    const code = typeof options === 'object' ? (options.exitCode ?? 75) : 75;
    (this.options.exit ?? ((c: number) => process.exit(c)))(code);
  }

  /** What the agent sees now. */
  status(): AgentStatus {
    return {
      service: this.settings.serviceName,
      agentId: this.agentId,
      running: this.running,
      draining: this.isDraining,
      checks: this.monitor.states().map((s) => ({
        name: s.check.name,
        kind: s.check.kind,
        fingerprint: s.fingerprint,
        status: s.last?.status ?? 'unknown',
        failuresInRow: s.failuresInRow,
        failing: s.failing,
        ...(s.last?.message ? { message: s.last.message } : {}),
      })),
      pendingEvents: this.reporter.pending(),
      counters: this.counters,
    };
  }

  /** Carries out a command as if the collector had sent it; resolves when its outcome is known. */
  async execute(
    command: Command,
  ): Promise<{ accepted: boolean; reason?: string; success?: boolean }> {
    const refusal = this.commandRefusal(command);
    if (refusal) return { accepted: false, reason: refusal };
    const request = this.commandRequest(command);
    const waiting = this.healer.refusal(request);
    const outcome = waiting
      ? await this.healer.confirm(request, waiting)
      : await this.healer.heal(request);
    return { accepted: true, success: outcome.success, reason: outcome.detail };
  }

  private async tick(): Promise<void> {
    try {
      await this.monitor.round();
    } catch (error) {
      this.fault('checks', error);
    }
  }

  private installChecks(options: BackendAgentOptions): void {
    const builtins = options.builtins === false ? false : (options.builtins ?? {});
    if (builtins) {
      if (builtins.memory !== false) this.monitor.add(memoryCheck(builtins.memory));
      if (builtins.cpu !== false) this.monitor.add(cpuCheck(builtins.cpu));
      if (builtins.eventLoop !== false) this.monitor.add(eventLoopCheck(builtins.eventLoop));
      if (builtins.errorRate !== false) {
        this.monitor.add(errorRateCheck(() => this.requests.lastMinute(), builtins.errorRate));
      }
      if (builtins.requestLoad) {
        this.monitor.add(requestLoadCheck(() => this.requests.lastMinute(), builtins.requestLoad));
      }
    }
    for (const check of options.checks ?? []) this.monitor.add(check);
  }

  private installFixes(fixes: FixOptions): void {
    const add = (fix: Fix) =>
      this.fixes.set(fix.strategy === 'custom' ? `custom:${fix.name}` : fix.strategy, fix);
    if (fixes.reconnect_database) add(hookFix('reconnect_database', fixes.reconnect_database));
    if (fixes.reconnect_cache) add(hookFix('reconnect_cache', fixes.reconnect_cache));
    const gc = fixes.garbage_collection ?? true;
    if (typeof gc === 'function') add(hookFix('garbage_collection', gc));
    else if (gc) add(gcFix());
    const restart = fixes.restart_service;
    if (typeof restart === 'function') add(hookFix('restart_service', restart));
    else if (restart)
      add(selfRestartFix((graceMs) => this.restart(graceMs), restart === true ? {} : restart));
    const scale = fixes.scale_out;
    if (typeof scale === 'function') add(hookFix('scale_out', scale));
    else if (scale) add(scaleOutFix(this.settings.serviceName, scale));
    for (const [name, hook] of Object.entries(fixes.custom ?? {}))
      add(hookFix('custom', hook, name));
  }

  /** Local autonomy: a check failing past its threshold gets the first fix its budget allows. */
  private autonomy(state: CheckState): void {
    if (!this.settings.autoFix || !this.running || this.healing.has(state.fingerprint)) return;
    const kind = state.check.kind;
    const plan = this.options.playbook?.[kind] ?? DEFAULT_PLAYBOOK[kind] ?? [];
    this.healing.add(state.fingerprint);
    void (async () => {
      for (const entry of plan) {
        const [strategy, customName] = entry.startsWith('custom:')
          ? (['custom', entry.slice(7)] as const)
          : ([entry as StrategyName, undefined] as const);
        const request: HealRequest = {
          strategy,
          fingerprint: state.fingerprint,
          kind,
          check: state.check,
          ...(customName ? { customName } : {}),
          local: true,
        };
        if (this.healer.refusal(request)) continue;
        const outcome = await this.healer.heal(request);
        if (outcome.success) {
          this.monitor.recovered(state, { status: 'pass', message: `fixed by ${strategy}` });
          return;
        }
      }
    })()
      .catch((error) => this.fault('autonomy', error))
      .finally(() => this.healing.delete(state.fingerprint));
  }

  private commandRefusal(command: Command): string | undefined {
    if (command.target !== 'service')
      return `a ${command.target} command is not for a backend agent`;
    if (command.service && command.service !== this.settings.serviceName) {
      return `the command is for service "${command.service.slice(0, 256)}", this agent watches "${this.settings.serviceName}"`;
    }
    if (command.protocolVersion > PROTOCOL_VERSION) {
      return `protocol version ${command.protocolVersion} is newer than this agent's ${PROTOCOL_VERSION}`;
    }
    if (Date.parse(command.expiresAt) < Date.now()) return 'the command expired before it arrived';
    if (!this.settings.autoFix) return 'auto-fix is off on this agent';
    const bad = checkParams(command.strategy, command.params);
    if (bad) return bad;
    const request = this.commandRequest(command);
    return this.healer.refusal(request, false);
  }

  private commandRequest(command: Command): HealRequest {
    const state = this.monitor.byFingerprint(command.fingerprint);
    const name = command.params.name;
    return {
      strategy: command.strategy,
      fingerprint: command.fingerprint,
      ...(state ? { check: state.check, kind: state.check.kind } : {}),
      ...(command.strategy === 'custom' && typeof name === 'string' ? { customName: name } : {}),
      params: command.strategy === 'custom' ? {} : command.params,
      commandId: command.id,
      decisionId: command.decisionId,
      local: false,
    };
  }

  private onCommand(command: Command): void {
    this.counters.commandsReceived += 1;
    const channel = this.channel;
    if (!channel) return;
    if (this.handled.has(command.id)) {
      // Delivered again because the first acknowledgement was lost: acknowledge, never run twice.
      const reason = this.handled.get(command.id) ?? undefined;
      void channel.ack(command, reason === undefined, reason);
      return;
    }
    const refusal = this.commandRefusal(command);
    this.handled.set(command.id, refusal ?? null);
    if (this.handled.size > HANDLED_COMMANDS)
      this.handled.delete(this.handled.keys().next().value as string);
    void channel
      .ack(command, refusal === undefined, refusal)
      .then(async () => {
        if (!refusal) await this.runCommand(command);
      })
      .catch((error) => this.fault('command', error));
  }

  private async runCommand(command: Command): Promise<void> {
    const request = this.commandRequest(command);
    // The agent may be fixing the same fault on its own right now: let that finish first.
    const deadline = Date.now() + 120_000;
    while (this.healer.busy(request.fingerprint) && Date.now() < deadline) await delay(100);
    const waiting = this.healer.refusal(request);
    const outcome = waiting
      ? await this.healer.confirm(request, waiting)
      : await this.healer.heal(request);
    const state = this.monitor.byFingerprint(command.fingerprint);
    if (outcome.success && state) this.monitor.recovered(state, { status: 'pass' });
    await this.reporter.flush();
  }

  private savePending(request: HealRequest, startedAt: number): void {
    this.state = {
      restart: this.budgets.restartState(),
      pending: {
        strategy: request.strategy,
        fingerprint: request.fingerprint,
        ...(request.kind ? { kind: request.kind } : {}),
        ...(request.check ? { check: request.check.name } : {}),
        ...(request.customName ? { customName: request.customName } : {}),
        ...(request.commandId ? { commandId: request.commandId } : {}),
        ...(request.decisionId ? { decisionId: request.decisionId } : {}),
        local: request.local,
        startedAt,
      },
    };
    writeState(this.stateFile, this.state);
  }

  /** After a restart this agent caused: verify it with the check and report the outcome. */
  private async finishPending(): Promise<void> {
    const pending = this.state.pending;
    if (!pending) return;
    try {
      this.state = { ...(this.state.restart ? { restart: this.state.restart } : {}) };
      writeState(this.stateFile, this.state);
      const state = this.monitor.states().find((s) => s.check.name === pending.check);
      const checks = state ? [state.check] : this.monitor.checks();
      const deadline = Date.now() + (this.options.verifyTimeoutMs ?? 5_000);
      let failed: string | undefined;
      for (;;) {
        const results = await Promise.all(
          checks.map((c) => runCheck(c, this.options.checkTimeoutMs ?? 5_000)),
        );
        const bad = results.find((r) => r.status !== 'pass');
        failed = bad ? `${bad.status}: ${bad.message ?? ''}` : undefined;
        if (!failed || Date.now() > deadline) break;
        await delay(Math.min(1_000, this.settings.checkInterval * 1000));
      }
      if (!failed) this.budgets.recordSuccess(pending.strategy, pending.fingerprint);
      const { startedAt, check, ...links } = pending;
      this.reporter.push(
        outcomeEvent({
          ...links,
          success: !failed,
          verifiedBy: check ?? 'all_checks',
          durationMs: Date.now() - startedAt,
          detail: failed
            ? `still failing after the restart (${failed})`
            : 'restarted; the check passes',
        }),
      );
      await this.reporter.flush();
    } catch (error) {
      this.fault('restart', error);
    }
  }

  private fault(where: string, error: unknown): void {
    bump(this.counters.internalErrors, where);
    try {
      this.options.onLog?.(`selfheal agent: ${where}: ${errorText(error)}`);
    } catch {
      // A logger that throws must not take the agent down with it.
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
