/** A per-project token bucket over events; kept per collector process. */
export interface RateLimiter {
  /** Takes `events` tokens; answers undefined when allowed, else the seconds to wait. */
  take(projectId: string, events: number, now?: number): number | undefined;
}

/** Allows `perSecond` events per project on average and bursts of `burst`; 0 allows everything. */
export function createRateLimiter(perSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(projectId, events, now = Date.now()) {
      if (perSecond <= 0) return undefined;
      const bucket = buckets.get(projectId) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      buckets.set(projectId, bucket);
      // A report larger than the burst costs a full bucket, so that it can pass at all.
      const cost = Math.min(events, burst);
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return undefined;
      }
      return Math.max(1, Math.ceil((cost - bucket.tokens) / perSecond));
    },
  };
}
