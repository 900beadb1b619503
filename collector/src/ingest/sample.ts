import type { IngestEvent, IngestReport } from './normalize.js';

/**
 * Which events keep their full payload (message, stack and data). Every event is still stored
 * as a row (its id, fingerprint, agent, service, times and count), so every count, rate,
 * trigger and verdict reads every event; sampling only drops the payload of repeats.
 */
export interface SamplingOptions {
  /** Off: every event keeps its payload. */
  enabled: boolean;
  /** Events of a fingerprint kept in full in each window, from its first. */
  firstPerWindow: number;
  /** How long a fingerprint's window lasts. */
  windowMs: number;
}

/** What a batch keeps; `commit` once the batch is written, so a failed write keeps nothing. */
export interface SamplePlan {
  kept: ReadonlySet<IngestEvent>;
  commit(): void;
}

/** The sampling policy of one collector process (see docs/ARCHITECTURE.md, "Sampling"). */
export interface Sampler {
  plan(batch: readonly IngestReport[]): SamplePlan;
}

/** Fingerprints and variants remembered at once; the oldest are forgotten (and kept again). */
const MAX_TRACKED = 20_000;

/** Fix attempts and outcomes are the product's own record of what it did: always kept. */
const ALWAYS_KEPT: ReadonlySet<IngestEvent['type']> = new Set(['fix_attempt', 'fix_outcome']);

/** Creates the policy; its memory is this process's, so each process keeps its own firsts. */
export function createSampler(options: SamplingOptions, now: () => number = Date.now): Sampler {
  const windows = new Map<string, { start: number; seen: number }>();
  const variants = new Set<string>();

  return {
    plan(batch) {
      const kept = new Set<IngestEvent>();
      if (!options.enabled) {
        for (const report of batch) for (const event of report.events) kept.add(event);
        return { kept, commit() {} };
      }
      const at = now();
      const seen = new Map<string, number>();
      const newVariants = new Set<string>();
      const latest = new Map<string, IngestEvent>();
      for (const report of batch) {
        for (const event of report.events) {
          const key = `${report.projectId}\u0000${event.fingerprint}`;
          latest.set(`${key}\u0000${report.agent}`, event);
          if (ALWAYS_KEPT.has(event.type)) {
            kept.add(event);
            continue;
          }
          const variant = variantOf(report, event);
          if (!variants.has(variant) && !newVariants.has(variant)) {
            newVariants.add(variant);
            kept.add(event);
          }
          const window = windows.get(key);
          const before = window && at - window.start < options.windowMs ? window.seen : 0;
          const inBatch = seen.get(key) ?? 0;
          seen.set(key, inBatch + 1);
          if (before + inBatch < options.firstPerWindow) kept.add(event);
        }
      }
      // The newest event of each fingerprint from each kind of agent is always kept in full.
      for (const event of latest.values()) kept.add(event);
      return {
        kept,
        commit() {
          for (const [key, n] of seen) {
            const window = windows.get(key);
            const fresh = !window || at - window.start >= options.windowMs;
            windows.delete(key);
            windows.set(
              key,
              fresh ? { start: at, seen: n } : { start: window.start, seen: window.seen + n },
            );
          }
          for (const variant of newVariants) variants.add(variant);
          forgetOldest(windows);
          forgetOldest(variants);
        },
      };
    },
  };
}

/** Drops the entries added first until at most MAX_TRACKED are left. */
function forgetOldest(seen: Map<string, unknown> | Set<string>): void {
  for (const key of seen.keys()) {
    if (seen.size <= MAX_TRACKED) return;
    seen.delete(key);
  }
}

/** How much of a stack tells one variant from another: its message and top frames. */
const STACK_PREFIX = 600;

/**
 * What makes an event new evidence though its fingerprint is known: who sent it (our agent or a
 * Sentry SDK), the release, the URL without query or fragment, and the top of its stack. The
 * key is the text itself: hashing it cost more than the map's own string hash.
 */
function variantOf(report: IngestReport, event: IngestEvent): string {
  const sentry = event.data?.sentry as Record<string, unknown> | undefined;
  const release = event.data?.release ?? sentry?.release ?? '';
  const url = event.url ?? report.url ?? '';
  const end = url.search(/[?#]/);
  return [
    report.projectId,
    event.fingerprint,
    report.agent,
    sentry ? 'sentry' : 'agent',
    String(release).slice(0, 200),
    end < 0 ? url.slice(0, 500) : url.slice(0, Math.min(end, 500)),
    (event.stack ?? '').slice(0, STACK_PREFIX),
  ].join('\u0000');
}
