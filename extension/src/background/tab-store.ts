import { type TabState, tabStateSchema } from '@selfheal/shared/protocol';
import { emptyTabState } from './tab-state.js';

/** The part of `chrome.storage.session` (or any storage area) the store uses. */
export interface StorageArea {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string): Promise<void>;
}

/** Per-tab state written through to a storage area, so a stopped worker loses nothing. */
export interface TabStore {
  get(tabId: number): Promise<TabState>;
  /** Runs `change` on the tab's state and stores the result; changes run one at a time. */
  update(tabId: number, change: (state: TabState) => void): Promise<TabState>;
  remove(tabId: number): Promise<void>;
}

const keyOf = (tabId: number) => `tab:${tabId}`;

/** A store over `area` (`chrome.storage.session` in the extension). */
export function createTabStore(area: StorageArea): TabStore {
  const cache = new Map<number, TabState>();
  let queue: Promise<unknown> = Promise.resolve();

  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  const load = async (tabId: number): Promise<TabState> => {
    const cached = cache.get(tabId);
    if (cached) return cached;
    const stored = (await area.get(keyOf(tabId)))[keyOf(tabId)];
    const parsed = tabStateSchema.safeParse(stored);
    const state = parsed.success ? parsed.data : emptyTabState(tabId);
    cache.set(tabId, state);
    return state;
  };

  return {
    get: (tabId) => serial(() => load(tabId)),
    update: (tabId, change) =>
      serial(async () => {
        const state = await load(tabId);
        change(state);
        await area.set({ [keyOf(tabId)]: state });
        return state;
      }),
    remove: (tabId) =>
      serial(async () => {
        cache.delete(tabId);
        await area.remove(keyOf(tabId));
      }),
  };
}
