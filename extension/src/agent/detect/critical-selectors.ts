/**
 * Once the page has loaded and `delayMs` more have passed, calls `handler` for each selector that
 * matches nothing (an invalid selector counts as missing). Returns the cancel.
 */
export function detectMissingSelectors(
  win: Window,
  selectors: () => string[],
  delayMs: () => number,
  timers: { set: (fn: () => void, ms: number) => unknown; clear: (timer: unknown) => void },
  handler: (selector: string) => void,
): () => void {
  let timer: unknown;
  const check = () => {
    for (const selector of selectors()) {
      let found: Element | null = null;
      try {
        found = win.document.querySelector(selector);
      } catch {}
      if (!found) handler(selector);
    }
  };
  const onLoad = () => {
    timer = timers.set(check, delayMs());
  };
  if (win.document.readyState === 'complete') onLoad();
  else win.addEventListener('load', onLoad, { once: true });
  return () => {
    win.removeEventListener('load', onLoad);
    if (timer !== undefined) timers.clear(timer);
  };
}
