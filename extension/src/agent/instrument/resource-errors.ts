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
  const listener = (event: Event) => {
    // The window and the document have no tag name; elements other than these three are not ours.
    const element = event.target as HTMLScriptElement & HTMLLinkElement & HTMLImageElement;
    const tag = (
      element as Partial<Element> | null
    )?.tagName?.toLowerCase() as ResourceFailure['tag'];
    if (tag === 'link' ? !/\bstylesheet\b/i.test(element.rel) : tag !== 'script' && tag !== 'img') {
      return;
    }
    handler({
      element,
      tag,
      url: tag === 'link' ? element.href : (tag === 'img' && element.currentSrc) || element.src,
      module: tag === 'script' && element.type === 'module',
    });
  };
  return listen(win, 'error', listener, true);
}
