import type { AgentContext, FixHandle, FixSpec } from './context.js';
import type { AgentEvent } from './types.js';

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
    const fixEvent = (type: 'fix_attempt' | 'fix_outcome', extra: Record<string, unknown>) =>
      send({
        id: nextId(),
        type,
        timestamp: now(),
        fingerprint,
        data: {
          strategy,
          fingerprint,
          ...extra,
          ...(kind && { kind }),
          ...commandId,
          ...(command?.decisionId && { decisionId: command.decisionId }),
          ...(!command && { local: true }),
        },
      });
    if (!resumed) fixEvent('fix_attempt', {});
    let done = false;
    return {
      finish: safe((success: boolean, verifiedBy: string, detail?: string) => {
        if (done) return;
        done = true;
        const at = now();
        book.finishFix(record, success, at, detail);
        fixEvent('fix_outcome', {
          success,
          verifiedBy,
          durationMs: at - startedAt,
          ...(detail && { detail }),
        });
      }),
    };
  };
}
