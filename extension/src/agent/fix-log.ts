import type { FixHandle, FixSpec } from './context.js';
import type { StatusBook } from './status.js';
import type { AgentEvent } from './types.js';

/** What the fix log needs from the agent. */
export interface FixLogDeps {
  book: StatusBook;
  now(): number;
  nextId(): string;
  safe<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  /** Queues the event for the collector and tells the activity listeners. */
  send(event: AgentEvent): void;
}

/**
 * Returns `startFix`: it records a fix, sends its `fix_attempt` (unless the attempt was sent
 * before a reload) and gives the handle that records and sends the one `fix_outcome`.
 */
export function createFixLog(deps: FixLogDeps): (spec: FixSpec) => FixHandle {
  const { book, now } = deps;
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
    const send = (type: 'fix_attempt' | 'fix_outcome', extra: Record<string, unknown>) =>
      deps.send({
        id: deps.nextId(),
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
    if (!resumed) send('fix_attempt', {});
    let done = false;
    return {
      finish: deps.safe((success: boolean, verifiedBy: string, detail?: string) => {
        if (done) return;
        done = true;
        const at = now();
        book.finishFix(record, success, at, detail);
        send('fix_outcome', {
          success,
          verifiedBy,
          durationMs: at - startedAt,
          ...(detail && { detail }),
        });
      }),
    };
  };
}
