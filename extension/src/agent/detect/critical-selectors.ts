import type { AgentContext } from '../context.js';
import { listen } from '../native.js';

/**
 * Once the page has loaded and `criticalSelectorDelayMs` more have passed, reports a `ui` fault for
 * each critical selector that matches nothing (an invalid selector counts as missing). Returns the
 * cancel.
 */
export function detectMissingSelectors(ctx: AgentContext): () => void {
  const { win } = ctx;
  let timer: unknown;
  const check = () => {
    for (const selector of ctx.config().criticalSelectors) {
      let found: Element | null = null;
      try {
        found = win.document.querySelector(selector);
      } catch {}
      if (!found) {
        ctx.fault({
          type: 'ui',
          message: `critical element missing: ${selector}`,
          data: { selector },
        });
      }
    }
  };
  const onLoad = () => {
    timer = ctx.setTimer(ctx.safe(check), ctx.config().criticalSelectorDelayMs);
  };
  if (win.document.readyState === 'complete') onLoad();
  const stop = listen(win, 'load', onLoad, { once: true });
  return () => {
    stop();
    ctx.clearTimer(timer);
  };
}
