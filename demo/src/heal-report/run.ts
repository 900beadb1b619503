import type { Decision, FixOutcome } from '@selfheal/shared/protocol';
import type { Request } from 'playwright-core';
import type { CollectorClient } from './collector-client.js';
import type { FaultClass, FaultWorld } from './fault-classes.js';

/** Harmful actions seen during one injection, by what they were. */
export interface Harm {
  /** Page loads beyond the one a stale chunk needs. */
  reloadLoops: number;
  /** A POST the page sent again without an `Idempotency-Key`. */
  unsafePostRetries: number;
  /** Service restarts beyond one per injection. */
  restartStorms: number;
  /** A fix that ran for a fingerprint after a fix of it had already worked. */
  fixAfterFixed: number;
}

/** What one injection of one fault class came to. */
export interface RunRecord {
  fault: string;
  /** A user saw it healed (the page's answer, the service's answer). */
  healed: boolean;
  /** The collector verified a fix of it (its outcome settled `succeeded`). */
  verified: boolean;
  /** A person was told (a `notify_admin` decision stands for it). */
  escalated: boolean;
  /** From the fault to when a user sees it healed, ms (polled every 250 ms). */
  healMs: number | null;
  harm: Harm;
  /** What went wrong, for the report's notes. */
  notes: string[];
}

/** What a run watches, shared by every run of a report. */
export interface RunWorld extends FaultWorld {
  collector: CollectorClient;
  /** Everything the demo printed so far. */
  demoOutput(): string;
  /** The last lines of the demo service's log. */
  serviceLog(lines: number): string;
  /** The collector's verification window, ms. */
  verifyWindowMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RESTART_LINE = 'exited for a restart';

/** Waits until `test` is true or `timeoutMs` passed; true when it became true. */
async function until(test: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

/** An outcome that ran nothing: the agent only re-ran its check (a cooldown held the fix back). */
const ranNothing = (fix: FixOutcome) => (fix.detail ?? '').startsWith('not run');

/**
 * Injects `fault` once and measures it: whether a user sees it healed, whether the collector
 * verified the fix, how long the heal took and which harmful actions happened meanwhile,
 * judged from the browser's own requests and loads, the demo's output and the collector's
 * fixes and decisions.
 */
export async function runOnce(world: RunWorld, fault: FaultClass): Promise<RunRecord> {
  const { page } = world;
  const notes: string[] = [];
  let loads = 0;
  const posts = new Map<string, number>();
  const onLoad = (frame: { parentFrame(): unknown }) => {
    if (!frame.parentFrame()) loads += 1;
  };
  const onRequest = (request: Request) => {
    if (request.method() !== 'POST' || !request.url().startsWith(world.demoUrl)) return;
    if (request.headers()['idempotency-key']) return;
    posts.set(request.url(), (posts.get(request.url()) ?? 0) + 1);
  };
  const restartsBefore = world.demoOutput().split(RESTART_LINE).length;
  const startedAt = Date.now();
  page.on('framenavigated', onLoad);
  page.on('request', onRequest);
  const settleMs = world.verifyWindowMs + 60_000;
  let injectedAt = startedAt;
  try {
    injectedAt = await fault.inject(world);
    const ours = (fixes: FixOutcome[]) =>
      fixes.filter((f) => fault.kinds.includes(f.kind) && Date.parse(f.reportedAt) >= startedAt);
    const fixWorked = async () =>
      ours(await world.collector.fixes()).some((f) => f.status !== 'failed');
    const healed = await until(
      async () => (!fault.inService || (await fixWorked())) && (await fault.healed(world)),
      fault.escalates ? 5_000 : 90_000,
    );
    const healedAt = Date.now();
    let escalated = false;
    let verified = false;
    if (fault.escalates) {
      escalated = await until(
        async () => told(await world.collector.decisions(), fault, startedAt),
        30_000,
      );
      // Nothing heals it: watch what the agents do about it meanwhile.
      await sleep(Math.max(0, injectedAt + 30_000 - Date.now()));
    } else {
      verified = await until(
        async () => ours(await world.collector.fixes()).some((f) => f.status === 'succeeded'),
        settleMs,
      );
    }
    // Commands decided meanwhile still arrive and run: wait for them, so that a fix for a
    // fault already fixed is seen.
    await until(async () => !(await inFlight(world.collector, fault, startedAt)), 30_000);
    await sleep(2_000);
    const fixes = ours(await world.collector.fixes()).sort(
      (a, b) => Date.parse(a.reportedAt) - Date.parse(b.reportedAt),
    );
    const first = fixes.find((f) => f.status === 'succeeded');
    const healMs =
      !healed || fault.escalates
        ? null
        : fault.inService && first
          ? Date.parse(first.reportedAt) - injectedAt
          : healedAt - injectedAt;
    const fixAfterFixed = first
      ? fixes.filter(
          (f) =>
            f !== first &&
            f.fingerprint === first.fingerprint &&
            Date.parse(f.reportedAt) > Date.parse(first.reportedAt) &&
            !ranNothing(f),
        )
      : [];
    for (const f of fixAfterFixed) {
      notes.push(`${f.strategy} ran after ${first?.strategy} had fixed it (${f.detail ?? ''})`);
    }
    if (!healed && !fault.escalates) {
      notes.push('not healed as a user sees it');
      if (fault.inService) notes.push(`the service's log ends:\n${world.serviceLog(8)}`);
    }
    if (!verified && !fault.escalates) {
      const seen = fixes.map((f) => `${f.strategy} ${f.status} (${f.detail ?? ''})`).join('; ');
      notes.push(`no fix verified by the collector; fixes: ${seen || 'none'}`);
    }
    if (fault.escalates && !escalated) notes.push('no person was told');
    if (!fault.escalates) escalated = told(await world.collector.decisions(), fault, startedAt);
    if (!fault.escalates && escalated) notes.push('a person was told, though an agent healed it');
    const restarts = world.demoOutput().split(RESTART_LINE).length - restartsBefore;
    for (const f of fixes) {
      if (fault.escalates && f.status !== 'failed') {
        notes.push(
          `${f.strategy} reported ${f.status} for an outage no agent can heal (${f.detail ?? ''})`,
        );
      }
    }
    const unsafePostRetries = [...posts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    return {
      fault: fault.id,
      healed: fault.escalates ? false : healed,
      verified,
      escalated,
      healMs,
      harm: {
        reloadLoops: Math.max(0, loads - fault.reloadsAllowed),
        unsafePostRetries,
        restartStorms: Math.max(0, restarts - 1),
        fixAfterFixed: fixAfterFixed.length,
      },
      notes,
    };
  } finally {
    page.off('framenavigated', onLoad);
    page.off('request', onRequest);
  }
}

/**
 * True when a person was told about the fault since `since`: a decision about it waits for
 * their approval, or is a `notify_admin`.
 */
function told(decisions: Decision[], fault: FaultClass, since: number): boolean {
  return decisions.some(
    (d) =>
      fault.kinds.includes(d.kind) &&
      Date.parse(d.createdAt) >= since &&
      (d.status === 'pending' || d.strategy === 'notify_admin'),
  );
}

/** True while a decision about the fault made since `since` still has a command out. */
async function inFlight(
  collector: CollectorClient,
  fault: FaultClass,
  since: number,
): Promise<boolean> {
  return (await collector.decisions()).some(
    (d) =>
      fault.kinds.includes(d.kind) &&
      Date.parse(d.updatedAt) >= since &&
      (d.status === 'dispatched' || d.status === 'approved'),
  );
}
