import type { PageCommand } from '@selfheal/shared';
import type { AgentContext } from '../context.js';

/** Clears the page's Cache Storage (every cache, or `params.cacheName`) and checks it is gone. */
export async function clearCacheStorage(ctx: AgentContext, command: PageCommand): Promise<boolean> {
  if (!ctx.config().autoFixEnabled) return false;
  if (!ctx.budgets.take('clear_cache', command.fingerprint)) return false;
  const fix = ctx.startFix({ strategy: 'clear_cache', fingerprint: command.fingerprint, command });
  const caches = (ctx.win as { caches?: CacheStorage }).caches;
  if (!caches) {
    fix.finish(false, 'cache_storage', 'this page has no Cache Storage (not a secure context)');
    return false;
  }
  try {
    const only = command.params.cacheName;
    const names = typeof only === 'string' ? [only] : await caches.keys();
    await Promise.all(names.map((name) => caches.delete(name)));
    const left = new Set(await caches.keys());
    const cleared = names.every((name) => !left.has(name));
    fix.finish(
      cleared,
      'cache_storage',
      cleared ? `cleared ${names.length} cache(s)` : 'a cache was still there afterwards',
    );
    return cleared;
  } catch (error) {
    fix.finish(false, 'cache_storage', `clearing failed: ${String(error).slice(0, 200)}`);
    return false;
  }
}
