import { describe, expect, it } from 'vitest';
import { applyEvent } from './tab-state.js';
import { createTabStore, type StorageArea } from './tab-store.js';

/** An in-memory storage area that copies values as chrome.storage does (JSON in, JSON out). */
function memoryArea(): StorageArea & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    async get(key) {
      const value = data.get(key);
      return value === undefined ? {} : { [key]: JSON.parse(value) };
    },
    async set(items) {
      for (const [key, value] of Object.entries(items)) data.set(key, JSON.stringify(value));
    },
    async remove(key) {
      data.delete(key);
    },
  };
}

const fault = (i: number) =>
  ({
    id: `e${i}`,
    type: 'error',
    timestamp: i,
    message: `fault ${i}`,
    fingerprint: `f${i}`,
  }) as const;

describe('the tab store', () => {
  it('loses no update when many arrive at once', async () => {
    const store = createTabStore(memoryArea());
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.update(3, (s) => applyEvent(s, fault(i)))),
    );
    expect((await store.get(3)).faults).toHaveLength(50);
  });

  it('gives a restarted worker everything the previous one stored', async () => {
    const area = memoryArea();
    const first = createTabStore(area);
    await first.update(3, (s) => {
      s.url = 'http://localhost/';
      applyEvent(s, fault(1));
    });
    const second = createTabStore(area);
    const state = await second.get(3);
    expect(state.url).toBe('http://localhost/');
    expect(state.faults.map((f) => f.fingerprint)).toEqual(['f1']);
  });

  it('starts afresh from a stored value it cannot read, and forgets removed tabs', async () => {
    const area = memoryArea();
    area.data.set('tab:4', JSON.stringify({ broken: true }));
    const store = createTabStore(area);
    expect((await store.get(4)).faults).toEqual([]);
    await store.update(4, (s) => applyEvent(s, fault(1)));
    await store.remove(4);
    expect(area.data.has('tab:4')).toBe(false);
    expect((await store.get(4)).faults).toEqual([]);
  });
});
