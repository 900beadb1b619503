import type { PageCommand } from '@selfheal/shared';
import type { AgentContext } from '../context.js';

/**
 * Starts clearing the page's Cache Storage (every cache, or `params.cacheName`) and checking it is
 * gone; false, with nothing started, when the strategy's budget for the fingerprint is spent.
 */
export function clearCacheStorage(ctx: AgentContext, command: PageCommand): boolean {
  if (!ctx.budgets.take('clear_cache', command.fingerprint)) return false;
  const fix = ctx.startFix({ strategy: 'clear_cache', fingerprint: command.fingerprint, command });
  const caches = (ctx.win as { caches?: CacheStorage }).caches;
  if (!caches) {
    fix.finish(false, 'cache_storage', 'no Cache Storage here');
    return true;
  }
  void (async () => {
    try {
      const only = command.params.cacheName;
      const names = typeof only === 'string' ? [only] : await caches.keys();
      await Promise.all(names.map((name) => caches.delete(name)));
      const left = new Set(await caches.keys());
      const cleared = names.every((name) => !left.has(name));
      fix.finish(
        cleared,
        'cache_storage',
        cleared ? `cleared ${names.length} cache(s)` : 'a cache remained',
      );
    } catch (error) {
      fix.finish(false, 'cache_storage', `failed: ${String(error).slice(0, 200)}`);
    }
  })();
  return true;
}
