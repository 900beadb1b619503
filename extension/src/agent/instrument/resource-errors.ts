import { listen } from '../native.js';
/** A `<script>`, `<link rel=stylesheet>` or `<img>` whose file failed to load. */
export interface ResourceFailure {
  element: HTMLScriptElement | HTMLLinkElement | HTMLImageElement;
  tag: 'script' | 'link' | 'img';
  url: string;
  module: boolean;
}

/**
 * Calls `handler` for each failed script, stylesheet and image load. These errors do not bubble,
 * so the listener runs in the capture phase on the window.
 */
export function instrumentResources(
  win: Window,
  handler: (failure: ResourceFailure) => void,
): () => void {
  return listen(
    win,
    'error',
    (event: Event) => {
      const failure = resourceOf(event.target);
      if (failure) handler(failure);
    },
    true,
  );
}

/** `target` as a resource the agent watches, or undefined (the window, other elements). */
export function resourceOf(target: unknown): ResourceFailure | undefined {
  const element = target as HTMLScriptElement & HTMLLinkElement & HTMLImageElement;
  // The window and the document have no tag name.
  const tag = (
    element as Partial<Element> | null
  )?.tagName?.toLowerCase() as ResourceFailure['tag'];
  if (tag === 'link' ? !/\bstylesheet\b/i.test(element.rel) : tag !== 'script' && tag !== 'img') {
    return undefined;
  }
  return {
    element,
    tag,
    url: tag === 'link' ? element.href : (tag === 'img' && element.currentSrc) || element.src,
    module: tag === 'script' && element.type === 'module',
  };
}
