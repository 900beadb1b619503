/** Calls `handler` with the duration of each long task over `thresholdMs()`; returns the stop. */
export function detectLongTasks(
  win: Window,
  thresholdMs: () => number,
  handler: (durationMs: number) => void,
): () => void {
  const Observer = (win as { PerformanceObserver?: typeof PerformanceObserver })
    .PerformanceObserver;
  if (!Observer?.supportedEntryTypes?.includes('longtask')) return () => {};
  const observer = new Observer((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration >= thresholdMs()) handler(entry.duration);
    }
  });
  observer.observe({ type: 'longtask', buffered: true });
  return () => observer.disconnect();
}
