import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESTART_BACKOFF, type StrategyName } from '@selfheal/shared';
import type { Command, Event } from '@selfheal/shared/protocol';
import type { AgentStatus, BackendAgentOptions, FixOptions } from './agent-options.js';
import { type Budgets, createBudgets } from './budget.js';
import { type Check, errorText } from './check.js';
import { cpuCheck } from './checks/cpu.js';
import { errorRateCheck } from './checks/error-rate.js';
import { eventLoopCheck } from './checks/event-loop.js';
import { memoryCheck } from './checks/memory.js';
import { requestLoadCheck } from './checks/request-load.js';
import {
  type CommandHandler,
  type CommandResult,
  createCommandHandler,
} from './command-handler.js';
import { type CommandChannel, createCommandChannel } from './commands.js';
import { type AgentSettings, ConfigError, resolveSettings } from './config.js';
import { bump, type Counters, createCounters } from './counters.js';
import { delay } from './delay.js';
import { errorEvent } from './events.js';
import { type Fix, hookFix, localPlan } from './fix.js';
import { gcFix } from './fixes/gc.js';
import { selfRestartFix } from './fixes/restart.js';
import { scaleOutFix } from './fixes/scale-out.js';
import { createHealer, type Healer, type HealRequest } from './healer.js';
import { type CheckState, createMonitor, type Monitor } from './monitor.js';
import { captureProcessErrors } from './process-errors.js';
import { createReporter, type Reporter } from './reporter.js';
import { createRequestStats, type RequestRecord, type RequestStats } from './requests.js';
import { createRestartRecord } from './restart-record.js';
import { createSpool } from './spool.js';

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
  /** The undos of fixes, keyed as `fixes` are. */
  private readonly undos = new Map<string, Fix>();
  private readonly channel: CommandChannel | null;
  private readonly commands: CommandHandler;
  private readonly healing = new Set<string>();
  private readonly drainHooks = new Set<() => unknown>();
  private readonly restarts: ReturnType<typeof createRestartRecord>;
  private timer: NodeJS.Timeout | undefined;
  private releaseProcessErrors: (() => void) | undefined;
  private inflight = 0;
  private running = false;
  private isDraining = false;
  private keyWarned = false;

  constructor(options: BackendAgentOptions = {}) {
    this.options = options;
    this.settings = resolveSettings(options, options.env ?? process.env);
    const { serviceName, hostname, collectorUrl, agentKey } = this.settings;
    this.agentId = `${serviceName}:${hostname}`;
    const onError = (where: string, error: unknown) => this.fault(where, error);
    const push = (event: Event) => {
      if (event.type === 'fix_outcome') this.tellFix(event);
      this.reporter.push(event);
    };
    this.reporter = createReporter({
      collectorUrl,
      agentKey,
      service: serviceName,
      hostname,
      batchMs: positive('batchMs', options.batchMs ?? 1_000),
      maxBuffered: positive('maxBufferedEvents', options.maxBufferedEvents ?? 5_000),
      ...(options.bufferFile ? { spool: createSpool(options.bufferFile) } : {}),
      counters: this.counters,
      onError,
    });
    this.budgets = createBudgets(options.budgets, options.restartBackoff ?? RESTART_BACKOFF);
    const intervalMs = this.settings.checkInterval * 1000;
    const checkTimeoutMs = positive('checkTimeoutMs', options.checkTimeoutMs ?? 5_000);
    this.monitor = createMonitor({
      service: serviceName,
      checkTimeoutMs,
      failureThreshold: positive('failureThreshold', options.failureThreshold ?? 3),
      heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? 60_000),
      repeatFaultMs: positive('repeatFaultMs', options.repeatFaultMs ?? 10_000),
      push,
      onFailing: (state) => this.autonomy(state),
      onCheckRun: () => {
        this.counters.checksRun += 1;
      },
    });
    this.healer = createHealer({
      findFix: (strategy, name, undo) =>
        (undo ? this.undos : this.fixes).get(
          strategy === 'custom' ? `custom:${name ?? ''}` : strategy,
        ),
      budgets: this.budgets,
      push,
      allChecks: () => this.monitor.checks(),
      checkTimeoutMs,
      settleMs: positive('verifyTimeoutMs', options.verifyTimeoutMs ?? 5_000),
      verifyEveryMs: Math.min(intervalMs, 1_000),
      beforeExit: async (request, startedAt) => this.restarts.save(request, startedAt),
      onFixRun: () => {
        this.counters.fixesRun += 1;
      },
    });
    this.restarts = createRestartRecord(
      options.stateFile ??
        join(tmpdir(), `selfheal-agent-${serviceName.replace(/[^\w.-]/g, '_')}.json`),
      {
        budgets: this.budgets,
        checks: () => this.monitor.checks(),
        push,
        checkTimeoutMs,
        verifyTimeoutMs: options.verifyTimeoutMs ?? 5_000,
        verifyEveryMs: Math.min(intervalMs, 1_000),
      },
    );
    this.commands = createCommandHandler({
      settings: this.settings,
      healer: this.healer,
      monitor: this.monitor,
      flush: () => this.reporter.flush(),
      fault: onError,
      restartVerified: () => this.restarts.finished(),
    });
    this.requests = createRequestStats(push);
    this.installFixes(options.fixes ?? {});
    this.installChecks(options);
    const wantsCommands = options.commands ?? true;
    this.channel =
      wantsCommands && collectorUrl && agentKey
        ? createCommandChannel({
            collectorUrl,
            agentKey,
            service: serviceName,
            agentId: this.agentId,
            waitSeconds: Math.min(30, positive('pollWaitSeconds', options.pollWaitSeconds ?? 25)),
            onCommand: (command) => {
              this.counters.commandsReceived += 1;
              if (this.channel) this.commands.receive(command, this.channel);
            },
            onError,
          })
        : null;
  }

  /** Starts checking, reporting and listening for commands; returns the agent. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    if (this.settings.keyWarning && !this.keyWarned) {
      this.keyWarned = true;
      this.warn(this.settings.keyWarning);
    }
    this.reporter.start();
    this.channel?.start();
    this.sayWatching();
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
    if (this.options.startPeriodMs) this.startPeriod(this.options.startPeriodMs);
    this.timer = setInterval(() => void this.tick(), this.settings.checkInterval * 1000);
    this.timer.unref();
    void this.tick()
      .then(() => this.restarts.finish())
      .then(() => this.reporter.flush())
      .catch((error) => this.fault('restart', error));
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

  /** Failures do not count for the next `ms` (the service is starting or restarting). */
  startPeriod(ms: number): void {
    this.monitor.startPeriod(Date.now() + ms);
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
    // Draining closes the service's own handles and the agent's hold none: without this, Node
    // would end with code 0 in the middle of the drain and the supervisor would not restart it.
    const hold = setInterval(() => {}, 1_000);
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
    clearInterval(hold);
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
  execute(command: Command): Promise<CommandResult> {
    return this.commands.execute(command);
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
    const undo = fixes.undo ?? {};
    if (undo.scale_out) this.undos.set('scale_out', hookFix('scale_out', undo.scale_out));
    for (const [name, hook] of Object.entries(undo.custom ?? {}))
      this.undos.set(`custom:${name}`, hookFix('custom', hook, name));
  }

  /** Local autonomy: a check failing past its threshold gets the first fix its budget allows. */
  private autonomy(state: CheckState): void {
    if (!this.settings.autoFix || !this.running || this.healing.has(state.fingerprint)) return;
    const kind = state.check.kind;
    const plan = localPlan(kind, this.options.playbook);
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

  /** Says once at start what the agent watches, what it may fix, and where it reports. */
  private sayWatching(): void {
    const { serviceName, checkInterval, autoFix, collectorUrl, agentKey } = this.settings;
    const checks = this.monitor.checks().map((check) => check.name);
    const fixes = [...this.fixes.keys()];
    this.say(
      `watching ${serviceName}: ${checks.length > 0 ? checks.join(', ') : 'no checks'} every ${checkInterval} s; ` +
        `${autoFix ? 'fixes on its own' : 'fixes only on command'} (${fixes.length > 0 ? fixes.join(', ') : 'none'}); ` +
        (agentKey ? `reports to ${collectorUrl}` : 'reports nowhere until it has a service key'),
    );
  }

  /** Says each fix the agent ran and whether it worked, as it verified it. */
  private tellFix(event: Event): void {
    const data = (event.data ?? {}) as { kind?: string; verifiedBy?: string; detail?: string };
    const what = data.kind ? `${data.kind} (${event.fingerprint})` : event.fingerprint;
    const how = data.verifiedBy ? `, verified by ${data.verifiedBy}` : '';
    const detail = data.detail ? `: ${data.detail.slice(0, 300)}` : '';
    this.say(`${event.message} for ${what}${how}${detail}`);
  }

  /** A line for the user: to `onLog`, else to stderr. */
  private say(message: string): void {
    try {
      if (this.options.onLog) this.options.onLog(`selfheal agent: ${message}`);
      else process.stderr.write(`selfheal agent: ${message}\n`);
    } catch {
      // A logger that throws must not take the agent down with it.
    }
  }

  private warn(message: string): void {
    this.say(message);
  }

  private fault(where: string, error: unknown): void {
    bump(this.counters.internalErrors, where);
    this.say(`${where}: ${errorText(error)}`);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
