declare const __SHOP_RELEASE__: string;

/** The product details view, loaded on demand: its own chunk, renamed by every release. */
export function renderDetails(target: HTMLElement): void {
  target.textContent = `Details rendered by the chunk of release ${__SHOP_RELEASE__}.`;
}
