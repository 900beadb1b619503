/** How many times each key may act in any rolling minute; kept per collector process. */
export interface MinuteQuota {
  /** Counts one for `key` and answers true, or answers false when its minute is full. */
  take(key: string, now: number): boolean;
}

const MINUTE = 60_000;

/** Allows `perMinute` takes per key in any rolling minute; 0 allows everything. */
export function createMinuteQuota(perMinute: number): MinuteQuota {
  const taken = new Map<string, number[]>();
  return {
    take(key, now) {
      if (perMinute <= 0) return true;
      const times = (taken.get(key) ?? []).filter((at) => at > now - MINUTE);
      if (times.length >= perMinute) {
        taken.set(key, times);
        return false;
      }
      times.push(now);
      taken.set(key, times);
      // Keys of quiet projects would pile up otherwise.
      if (taken.size > 10_000) {
        for (const [k, list] of taken) if (!list.some((at) => at > now - MINUTE)) taken.delete(k);
      }
      return true;
    },
  };
}
