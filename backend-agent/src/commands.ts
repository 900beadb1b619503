import { PROTOCOL_VERSION } from '@selfheal/shared';
import { type Command, type CommandAck, commandBatchSchema } from '@selfheal/shared/protocol';
import { delay } from './delay.js';
import { send } from './http-client.js';
import { createRefusalLog } from './refusal-log.js';

/** Where the command channel is and who is listening. */
export interface CommandChannelOptions {
  collectorUrl: string;
  /** The service key the collector knows this service by. */
  agentKey: string;
  service: string;
  agentId: string;
  /** Seconds the collector may hold a poll; default 25. */
  waitSeconds: number;
  onCommand(command: Command): void;
  onError(where: string, error: unknown): void;
}

/**
 * The long poll on `GET /api/commands`: answered at once when commands wait, else held up to
 * `wait` seconds. Errors back off from 1 s to 30 s; a collector without the channel (404) or
 * refusing the key (401, 403: said once, not on every poll) is asked again every minute.
 */
export function createCommandChannel(options: CommandChannelOptions) {
  let controller: AbortController | null = null;
  let loop: Promise<void> | null = null;
  const headers = { authorization: `Bearer ${options.agentKey}` };
  const refusals = createRefusalLog(options.onError);

  async function pollOnce(signal: AbortSignal): Promise<number> {
    const query = new URLSearchParams({
      service: options.service,
      agent: options.agentId,
      wait: String(options.waitSeconds),
    });
    const answer = await send(`${options.collectorUrl}/api/commands?${query}`, {
      headers,
      timeoutMs: (options.waitSeconds + 10) * 1000,
      signal,
    });
    if (answer.status === 404) return 60_000;
    if (answer.status === 401 || answer.status === 403) {
      refusals.refused(
        'commands',
        `GET /api/commands answered ${answer.status}: ${answer.body.slice(0, 300)}`,
      );
      return 60_000;
    }
    if (answer.status !== 200) throw new Error(`GET /api/commands answered ${answer.status}`);
    const batch = commandBatchSchema.safeParse(JSON.parse(answer.body));
    if (!batch.success)
      throw new Error(
        `GET /api/commands: unexpected answer (${batch.error.issues[0]?.message ?? ''})`,
      );
    refusals.clear();
    for (const command of batch.data.commands) {
      try {
        options.onCommand(command);
      } catch (error) {
        options.onError('command', error);
      }
    }
    return 0;
  }

  async function run(signal: AbortSignal): Promise<void> {
    let backoff = 0;
    while (!signal.aborted) {
      try {
        const pause = await pollOnce(signal);
        backoff = 0;
        if (pause > 0) await delay(pause, signal);
      } catch (error) {
        if (signal.aborted) return;
        options.onError('commands', error);
        backoff = Math.min(30_000, Math.max(1_000, backoff * 2));
        await delay(backoff, signal);
      }
    }
  }

  return {
    start(): void {
      if (loop) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    async stop(): Promise<void> {
      controller?.abort();
      await loop;
      loop = null;
    },
    /** Acknowledges a command (accepted or refused, with why); false when the collector did not take it. */
    async ack(command: Command, accepted: boolean, reason?: string): Promise<boolean> {
      const body: CommandAck = {
        type: 'command_ack',
        protocolVersion: PROTOCOL_VERSION,
        commandId: command.id,
        agentId: options.agentId,
        accepted,
        ...(reason ? { reason: reason.slice(0, 1_024) } : {}),
        receivedAt: new Date().toISOString(),
      };
      try {
        const answer = await send(
          `${options.collectorUrl}/api/commands/${encodeURIComponent(command.id)}/ack`,
          {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
            timeoutMs: 10_000,
          },
        );
        if (answer.status >= 200 && answer.status < 300) return true;
        options.onError('ack', new Error(`ack answered ${answer.status}`));
        return false;
      } catch (error) {
        options.onError('ack', error);
        return false;
      }
    },
  };
}

/** The command channel an agent uses. */
export type CommandChannel = ReturnType<typeof createCommandChannel>;
