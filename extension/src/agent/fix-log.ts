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
  const fixEvent = (
    type: 'fix_attempt' | 'fix_outcome',
    spec: FixSpec,
    extra: Record<string, unknown>,
  ): AgentEvent => {
    const data: Record<string, unknown> = {
      strategy: spec.strategy,
      fingerprint: spec.fingerprint,
      ...extra,
    };
    if (spec.kind) data.kind = spec.kind;
    if (spec.command) {
      data.commandId = spec.command.id;
      if (spec.command.decisionId) data.decisionId = spec.command.decisionId;
    } else data.local = true;
    return { id: deps.nextId(), type, timestamp: now(), fingerprint: spec.fingerprint, data };
  };

  return (spec) => {
    const startedAt = spec.resumed?.startedAt ?? now();
    const record = book.recordFix({
      strategy: spec.strategy,
      fingerprint: spec.fingerprint,
      startedAt,
      local: !spec.command,
      ...(spec.command ? { commandId: spec.command.id } : {}),
    });
    if (!spec.resumed) deps.send(fixEvent('fix_attempt', spec, {}));
    let done = false;
    return {
      finish: deps.safe((success: boolean, verifiedBy: string, detail?: string) => {
        if (done) return;
        done = true;
        const at = now();
        book.finishFix(record, success, at, detail);
        const extra: Record<string, unknown> = { success, verifiedBy, durationMs: at - startedAt };
        if (detail) extra.detail = detail;
        deps.send(fixEvent('fix_outcome', spec, extra));
      }),
    };
  };
}
