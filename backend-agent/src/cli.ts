#!/usr/bin/env node
import { RESTART_BACKOFF } from '@selfheal/shared';
import { BackendAgent } from './agent.js';
import { readKeyFile } from './agent-key.js';
import type { FixOptions } from './agent-options.js';
import type { Check } from './check.js';
import { httpCheck } from './checks/http.js';
import { tcpCheck } from './checks/tcp.js';
import { type CliOptions, parseArgs, USAGE } from './cli-args.js';
import { ConfigError } from './config.js';
import type { FixHook } from './fix.js';
import { runShell } from './fixes/shell.js';
import { createSupervisor } from './supervisor.js';

const log = (message: string) => process.stderr.write(`selfheal-agent: ${message}\n`);

function buildChecks(options: CliOptions): Check[] {
  const common = {
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
  return options.checks.map((c) =>
    c.type === 'http'
      ? httpCheck({ url: c.url, name: c.name, kind: c.kind, ...common })
      : tcpCheck({ host: c.host, port: c.port, name: c.name, kind: c.kind, ...common }),
  );
}

function shellHook(command: string): FixHook {
  return async (ctx) => (await runShell(command, ctx, 120_000)) || `ran: ${command.slice(0, 200)}`;
}

/** Runs the sidecar until SIGINT or SIGTERM. */
async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  let agent: BackendAgent;
  const backoff = {
    initialMs: RESTART_BACKOFF.initialMs,
    maxMs: RESTART_BACKOFF.maxMs,
  };
  let supervisor: ReturnType<typeof createSupervisor> | undefined;
  try {
    options = parseArgs(argv);
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (options.checks.length === 0)
      throw new ConfigError('give at least one --check (see --help)');
    backoff.initialMs = options.backoffInitialMs ?? backoff.initialMs;
    backoff.maxMs = Math.max(backoff.initialMs, options.backoffMaxMs ?? backoff.maxMs);
    if (options.spawn) {
      supervisor = createSupervisor(options.spawn, options.graceMs ?? 10_000, backoff, {
        onSpawn: (pid) => {
          log(`started the service (pid ${pid})`);
          if (options.startPeriodMs) agent.startPeriod(options.startPeriodMs);
        },
        onCrash: (code, signal) =>
          agent.captureError(
            new Error(`the service exited on its own (${signal ?? `code ${code}`})`),
            { source: 'supervisor' },
          ),
        onLog: log,
      });
    }
    const fixes: FixOptions = { garbage_collection: false, custom: {} };
    for (const fix of options.fixes) {
      const hook = shellHook(fix.command);
      if (fix.strategy === 'custom' && fix.name)
        (fixes.custom as Record<string, FixHook>)[fix.name] = hook;
      else if (fix.strategy === 'scale_out') fixes.scale_out = { command: fix.command };
      else if (fix.strategy === 'restart_service') fixes.restart_service = hook;
      else if (fix.strategy === 'reconnect_database') fixes.reconnect_database = hook;
      else if (fix.strategy === 'reconnect_cache') fixes.reconnect_cache = hook;
      else if (fix.strategy === 'garbage_collection') fixes.garbage_collection = hook;
    }
    const undoCustom: Record<string, FixHook> = {};
    fixes.undo = { custom: undoCustom };
    for (const { strategy, name, command } of options.undos) {
      if (strategy === 'custom' && name) undoCustom[name] = shellHook(command);
      else if (strategy === 'scale_out') fixes.undo.scale_out = shellHook(command);
    }
    if (supervisor && !fixes.restart_service) {
      const running = supervisor;
      fixes.restart_service = () => running.restart();
    }
    agent = new BackendAgent({
      ...(options.service ? { serviceName: options.service } : {}),
      ...(options.collector ? { collectorUrl: options.collector } : {}),
      ...(options.agentKeyFile
        ? { agentKey: readKeyFile('--agent-key-file', options.agentKeyFile) }
        : {}),
      ...(options.interval ? { checkInterval: options.interval } : {}),
      ...(options.autoFix !== undefined ? { autoFix: options.autoFix } : {}),
      ...(options.threshold ? { failureThreshold: options.threshold } : {}),
      ...(options.timeoutMs ? { checkTimeoutMs: options.timeoutMs } : {}),
      ...(options.bufferFile ? { bufferFile: options.bufferFile } : {}),
      verifyTimeoutMs: options.verifyTimeoutMs ?? 30_000,
      ...(options.startPeriodMs ? { startPeriodMs: options.startPeriodMs } : {}),
      builtins: false,
      checks: buildChecks(options),
      fixes,
      budgets: options.budgets,
      restartBackoff: backoff,
      captureProcessErrors: false,
      onLog: log,
    });
    // The key is read; the service and fix commands this sidecar starts have no need of it.
    delete process.env.SELFHEAL_AGENT_KEY;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`selfheal-agent: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  supervisor?.start();
  // Says what it watches, and each fix it runs, through `log`.
  agent.start();
  // The agent's own timers are unref'd; this one keeps the sidecar alive until it is told to stop.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  log('stopping');
  await Promise.all([agent.stop(5_000), supervisor?.stop()]);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
