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
    const element = event.target as Element | null;
    if (!element || element === (win as unknown) || !('tagName' in element)) return;
    const tag = element.tagName.toLowerCase();
    if (tag === 'script') {
      const script = element as HTMLScriptElement;
      handler({ element: script, tag, url: script.src, module: script.type === 'module' });
    } else if (tag === 'link') {
      const link = element as HTMLLinkElement;
      if (!/\bstylesheet\b/i.test(link.rel)) return;
      handler({ element: link, tag, url: link.href, module: false });
    } else if (tag === 'img') {
      const img = element as HTMLImageElement;
      handler({ element: img, tag, url: img.currentSrc || img.src, module: false });
    }
  };
  win.addEventListener('error', listener, true);
  return () => win.removeEventListener('error', listener, true);
}
