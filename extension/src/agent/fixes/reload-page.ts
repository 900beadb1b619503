import { PAGE_STRATEGY_RULES, type PageCommand } from '@selfheal/shared';
import type { Event as AgentEvent } from '@selfheal/shared/protocol';
import { type AgentContext, verifyByAbsence } from '../context.js';

const KEY = 'selfheal:reload';
const GUARD_MS = PAGE_STRATEGY_RULES.reload_page.cooldownMs;
const FLUSH_WAIT_MS = 1_000;
const STALE_CHUNK =
  /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|\bChunkLoadError\b|Loading (?:CSS )?chunk [\w-]+ failed/;

interface Entry {
  at: number;
  pending: boolean;
  commandId?: string | undefined;
  decisionId?: string | undefined;
}

/** True when a fault says a lazily loaded chunk of an older deploy is gone: a reload fixes that. */
export function isStaleChunk(event: AgentEvent): boolean {
  return event.kind === 'import_error' && STALE_CHUNK.test(event.message ?? '');
}

/** Reloads the page for a stale chunk at most once per fingerprint per 5 minutes, then verifies it. */
export interface ReloadFix {
  /** Reloads for this fault if it is a stale chunk and the guard allows. */
  onFault(event: AgentEvent): void;
  /** Reloads because the collector asked, under the same guard. */
  run(fingerprint: string, command?: PageCommand): boolean;
  /** After a reload the agent made: reports whether the fingerprint stayed away. */
  resume(): void;
}

/** The reload fix; its guard lives in sessionStorage so it survives the reload it makes. */
export function createReloadFix(ctx: AgentContext): ReloadFix {
  const read = (): Record<string, Entry> => {
    try {
      const parsed: unknown = JSON.parse(ctx.win.sessionStorage.getItem(KEY) ?? '{}');
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, Entry>) : {};
    } catch {
      return {};
    }
  };
  const write = (entries: Record<string, Entry>): boolean => {
    try {
      const now = ctx.now();
      for (const [fp, entry] of Object.entries(entries)) {
        if (!entry.pending && now - entry.at > GUARD_MS) delete entries[fp];
      }
      ctx.win.sessionStorage.setItem(KEY, JSON.stringify(entries));
      return true;
    } catch {
      return false;
    }
  };

  const run = (fingerprint: string, command?: PageCommand, kind?: AgentEvent['kind']): boolean => {
    const entries = read();
    const last = entries[fingerprint];
    if (last && ctx.now() - last.at < GUARD_MS) return false;
    if (!ctx.budgets.take('reload_page', fingerprint)) return false;
    // Undefined ids are left out of the stored JSON.
    entries[fingerprint] = {
      at: ctx.now(),
      pending: true,
      commandId: command?.id,
      decisionId: command?.decisionId,
    };
    // Without a place to remember the reload, it could loop: then it is not done at all.
    if (!write(entries)) return false;
    ctx.startFix({ strategy: 'reload_page', fingerprint, kind, command });
    // The attempt goes out first (keepalive), but a transport that never answers must not stop the fix.
    let reloaded = false;
    const reload = () => {
      if (reloaded) return;
      reloaded = true;
      ctx.win.location.reload();
    };
    ctx.setTimer(reload, FLUSH_WAIT_MS);
    void ctx.flush(true).finally(reload);
    return true;
  };

  return {
    onFault(event) {
      if (event.fingerprint && isStaleChunk(event)) run(event.fingerprint, undefined, event.kind);
    },
    run,
    resume() {
      const entries = read();
      const waiting = Object.entries(entries).filter(([, e]) => e.pending);
      if (waiting.length === 0) return;
      for (const [, entry] of waiting) entry.pending = false;
      write(entries);
      for (const [fingerprint, entry] of waiting) {
        const command = entry.commandId
          ? ({ id: entry.commandId, decisionId: entry.decisionId } as PageCommand)
          : undefined;
        const fix = ctx.startFix({
          strategy: 'reload_page',
          fingerprint,
          command,
          resumed: { startedAt: entry.at },
        });
        const windowMs = ctx.config().verifyWindowMs;
        void verifyByAbsence(ctx, fingerprint, windowMs).then((gone) =>
          fix.finish(
            gone,
            'absence',
            gone ? `not seen ${windowMs} ms after reload` : 'came back after reload',
          ),
        );
      }
    },
  };
}
