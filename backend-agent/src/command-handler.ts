import { checkParams, PROTOCOL_VERSION } from '@selfheal/shared';
import type { Command } from '@selfheal/shared/protocol';
import type { CommandChannel } from './commands.js';
import type { AgentSettings } from './config.js';
import { delay } from './delay.js';
import type { Healer, HealOutcome, HealRequest } from './healer.js';
import type { Monitor } from './monitor.js';

/** What carrying out the collector's commands needs from the agent. */
export interface CommandHandlerDeps {
  settings: AgentSettings;
  healer: Healer;
  monitor: Monitor;
  flush(): Promise<void>;
  fault(where: string, error: unknown): void;
  /** Resolves once a restart the process before this one caused is verified. */
  restartVerified(): Promise<void>;
}

/** What became of a command. */
export interface CommandResult {
  accepted: boolean;
  reason?: string;
  success?: boolean;
}

const REMEMBERED = 1_000;
/** Longest a command waits for the agent's own fix of the same fault to finish. */
const WAIT_FOR_LOCAL_FIX_MS = 120_000;
/** How recent the agent's own verified fix of a fault must be for a command about it to be moot. */
const ALREADY_FIXED_WITHIN_MS = 5 * 60_000;

/**
 * Checks, acknowledges and carries out commands: each runs once however often it is delivered,
 * under the same budgets as local fixes, and is verified by re-running its fault's check.
 */
export function createCommandHandler(deps: CommandHandlerDeps) {
  const { settings, healer, monitor } = deps;
  /** Commands seen, with why each was refused (null: accepted). */
  const handled = new Map<string, string | null>();

  function request(command: Command): HealRequest {
    const state = monitor.byFingerprint(command.fingerprint);
    const name = command.params.name;
    const custom = command.strategy === 'custom';
    return {
      strategy: command.strategy,
      fingerprint: command.fingerprint,
      ...(state ? { check: state.check, kind: state.check.kind } : {}),
      ...(custom && typeof name === 'string' ? { customName: name } : {}),
      params: custom ? {} : command.params,
      commandId: command.id,
      decisionId: command.decisionId,
      local: false,
      ...(command.rollback ? { rollback: true } : {}),
    };
  }

  function refusal(command: Command): string | undefined {
    if (command.target !== 'service')
      return `a ${command.target} command is not for a backend agent`;
    if (command.service && command.service !== settings.serviceName) {
      return `the command is for service "${command.service.slice(0, 256)}", this agent watches "${settings.serviceName}"`;
    }
    if (command.protocolVersion > PROTOCOL_VERSION) {
      return `protocol version ${command.protocolVersion} is newer than this agent's ${PROTOCOL_VERSION}`;
    }
    if (Date.parse(command.expiresAt) < Date.now()) return 'the command expired before it arrived';
    if (!settings.autoFix) return 'auto-fix is off on this agent';
    const bad = checkParams(command.strategy, command.params);
    if (bad) return bad;
    return healer.refusal(request(command), false);
  }

  async function run(command: Command): Promise<HealOutcome> {
    const heal = request(command);
    // The agent may be fixing the same fault on its own right now: let that finish first.
    const deadline = Date.now() + WAIT_FOR_LOCAL_FIX_MS;
    while (healer.busy(heal.fingerprint) && Date.now() < deadline) await delay(100);
    const stop = new AbortController();
    await Promise.race([
      deps.restartVerified(),
      delay(Math.max(0, deadline - Date.now()), stop.signal),
    ]);
    stop.abort();
    // Decided on the fault before the agent's own fix of it worked: running it now would be a
    // second fix on a healed service.
    const moot = heal.rollback
      ? undefined
      : await healer.alreadyFixed(heal, ALREADY_FIXED_WITHIN_MS);
    if (moot) {
      await deps.flush();
      return moot;
    }
    // A cooldown holds a fix back, never its undo: an undo runs (or is refused) as it is.
    const waiting = heal.rollback ? undefined : healer.refusal(heal);
    const outcome = waiting ? await healer.confirm(heal, waiting) : await healer.heal(heal);
    const state = monitor.byFingerprint(command.fingerprint);
    if (outcome.success && state && !heal.rollback) monitor.recovered(state, { status: 'pass' });
    await deps.flush();
    return outcome;
  }

  return {
    /** A command from the channel: acknowledged (accepted or refused), then carried out. */
    receive(command: Command, channel: CommandChannel): void {
      if (handled.has(command.id)) {
        // Delivered again because the first acknowledgement was lost: acknowledge, never run twice.
        const reason = handled.get(command.id) ?? undefined;
        void channel.ack(command, reason === undefined, reason);
        return;
      }
      const reason = refusal(command);
      handled.set(command.id, reason ?? null);
      if (handled.size > REMEMBERED) handled.delete(handled.keys().next().value as string);
      void channel
        .ack(command, reason === undefined, reason)
        .then(async () => {
          if (!reason) await run(command);
        })
        .catch((error) => deps.fault('command', error));
    },

    /** Carries out a command without a channel; resolves once its outcome is known. */
    async execute(command: Command): Promise<CommandResult> {
      const reason = refusal(command);
      if (reason) return { accepted: false, reason };
      const outcome = await run(command);
      return { accepted: true, success: outcome.success, reason: outcome.detail };
    },
  };
}

/** The command handler an agent uses. */
export type CommandHandler = ReturnType<typeof createCommandHandler>;
