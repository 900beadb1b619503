import type {
  Event as AgentEvent,
  FixAttemptData,
  FixOutcomeData,
} from '@selfheal/shared/protocol';
import type { AgentContext, FixHandle, FixSpec } from './context.js';

type FixEventBody =
  | { type: 'fix_attempt'; data: FixAttemptData }
  | { type: 'fix_outcome'; data: FixOutcomeData };

/**
 * Returns `startFix`: it records a fix, sends its `fix_attempt` (unless the attempt was sent
 * before a reload) and gives the handle that records and sends the one `fix_outcome`.
 */
export function createFixLog(
  { book, now, safe }: Pick<AgentContext, 'book' | 'now' | 'safe'>,
  nextId: () => string,
  /** Queues the event for the collector and tells the activity listeners. */
  send: (event: AgentEvent) => void,
): (spec: FixSpec) => FixHandle {
  return ({ strategy, fingerprint, kind, command, resumed }) => {
    const startedAt = resumed?.startedAt ?? now();
    const commandId = command ? { commandId: command.id } : {};
    const record = book.recordFix({
      strategy,
      fingerprint,
      startedAt,
      local: !command,
      ...commandId,
    });
    const data: FixAttemptData = {
      strategy,
      fingerprint,
      ...(kind && { kind }),
      ...(command ? { commandId: command.id, decisionId: command.decisionId } : { local: true }),
    };
    const fixEvent = (body: FixEventBody) =>
      send({ id: nextId(), timestamp: now(), fingerprint, ...body });
    if (!resumed) fixEvent({ type: 'fix_attempt', data });
    let done = false;
    return {
      finish: safe((success: boolean, verifiedBy: string, detail?: string) => {
        if (done) return;
        done = true;
        const at = now();
        book.finishFix(record, success, at, detail);
        fixEvent({
          type: 'fix_outcome',
          data: {
            success,
            verifiedBy,
            durationMs: at - startedAt,
            ...(detail && { detail }),
            ...data,
          },
        });
      }),
    };
  };
}
