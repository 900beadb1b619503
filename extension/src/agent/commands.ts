import { type PageCommand, toPageCommand } from '@selfheal/shared';
import { capSize } from './bounded.js';
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
        return clearCacheStorage(ctx, command);
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
        let ran = false;
        if (check.ok && !seen.has(check.command.id) && ctx.config().autoFixEnabled) {
          seen.add(check.command.id);
          capSize(seen, MAX_SEEN);
          try {
            const { command } = check;
            // A page cannot take back a retry, a reload, a re-inserted script or a cleared cache.
            if ((value as { rollback?: unknown }).rollback === true)
              ctx
                .startFix({ ...command, command })
                .finish(false, 'refused', `${command.strategy} cannot be undone in a page`);
            else ran = run(command);
          } catch {
            metrics.internalErrors += 1;
          }
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
