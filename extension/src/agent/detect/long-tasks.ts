import type { AgentContext } from '../context.js';

/** Reports each long task over `longTaskThresholdMs` as a `performance` fault; returns the stop. */
export function detectLongTasks(ctx: AgentContext): () => void {
  const Observer = ctx.win.PerformanceObserver;
  if (!Observer?.supportedEntryTypes?.includes('longtask')) return () => {};
  const observer = new Observer(
    ctx.safe((list: PerformanceObserverEntryList) => {
      for (const { duration } of list.getEntries()) {
        const threshold = ctx.config().longTaskThresholdMs;
        const value = Math.round(duration);
        if (duration >= threshold) {
          ctx.fault({
            type: 'performance',
            message: `long task of ${value} ms`,
            data: { metric: 'long_task', value, threshold },
          });
        }
      }
    }),
  );
  observer.observe({ type: 'longtask', buffered: true });
  return () => observer.disconnect();
}
