import { type PageCommand, toPageCommand } from '@selfheal/shared';
import type { AgentContext } from './context.js';
import { clearCacheStorage } from './fixes/clear-cache.js';
import type { ReinjectFix } from './fixes/reinject-resource.js';
import type { ReloadFix } from './fixes/reload-page.js';

/** Runs the collector's recommendations under the agent's own guards. */
export interface CommandRunner {
  apply(commands: readonly unknown[]): void;
  /** The latest unexpired `retry_request` recommendation for a fingerprint. */
  retryFor(fingerprint: string): PageCommand | undefined;
}

const MAX_SEEN = 500;

/** A command runner over the agent's fixes. */
export function createCommandRunner(
  ctx: AgentContext,
  fixes: { reload: ReloadFix; reinject: ReinjectFix },
): CommandRunner {
  const seen = new Set<string>();
  const retries = new Map<string, PageCommand>();
  const { metrics } = ctx.book;

  const run = (command: PageCommand): boolean => {
    switch (command.strategy) {
      case 'retry_request':
        // A request has no second chance now; the next failure of this fingerprint retries with these params.
        retries.set(command.fingerprint, command);
        return true;
      case 'reload_page':
        return fixes.reload.run(command.fingerprint, command);
      case 'reinject_resource':
        return fixes.reinject.run(command);
      case 'clear_cache':
        void clearCacheStorage(ctx, command);
        return true;
      case 'report_only':
        return true;
      default:
        return false;
    }
  };

  return {
    apply(commands) {
      for (const value of commands.slice(0, 50)) {
        metrics.commandsReceived += 1;
        const check = toPageCommand(value, ctx.now());
        if (!check.ok || seen.has(check.command.id) || !ctx.config().autoFixEnabled) {
          metrics.commandsRejected += 1;
          continue;
        }
        seen.add(check.command.id);
        if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value as string);
        let ran = false;
        try {
          ran = run(check.command);
        } catch {
          metrics.internalErrors += 1;
        }
        if (!ran) metrics.commandsRejected += 1;
      }
    },
    retryFor(fingerprint) {
      const command = retries.get(fingerprint);
      if (command && command.expiresAt <= ctx.now()) {
        retries.delete(fingerprint);
        return undefined;
      }
      return command;
    },
  };
}
