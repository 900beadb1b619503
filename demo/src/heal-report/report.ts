import { launchChromium } from './browser.js';
import { createCollectorClient } from './collector-client.js';
import { startDemo } from './demo-process.js';
import { type FaultClass, faultClasses } from './fault-classes.js';
import { type RunRecord, runOnce } from './run.js';

/** How a report is run. */
export interface ReportOptions {
  /** Injections of each fault class. */
  runs: number;
  /** The collector's verification window, seconds. */
  verifyWindowS: number;
  /** Told before each injection: how many are done of how many, and which comes. */
  onProgress?(done: number, total: number, what: string): void;
}

/** Every injection of a report, and the fault classes that could not run here. */
export interface ReportResult {
  classes: FaultClass[];
  runs: RunRecord[];
  /** Fault classes skipped, with why (no Redis for the cache). */
  skipped: Map<string, string>;
  options: { runs: number; verifyWindowS: number };
}

/**
 * Runs every fault class `runs` times. Each round starts the demo afresh (`pnpm start` on free
 * ports in a fresh folder) and opens its shop in Chromium with the extension, then injects each
 * class once, in order; so the restart backoff of the service starts over each round.
 */
export async function runReport(
  options: ReportOptions,
  signal?: AbortSignal,
): Promise<ReportResult> {
  const classes = faultClasses();
  const runs: RunRecord[] = [];
  const skipped = new Map<string, string>();
  const total = options.runs * classes.length;
  for (let round = 0; round < options.runs && !signal?.aborted; round += 1) {
    const demo = await startDemo({ VERIFY_WINDOW: String(options.verifyWindowS) });
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    // Stopped (by their ids) on abort as well: Ctrl-C leaves nothing running.
    const stopAll = async () => {
      await browser?.close().catch(() => {});
      await demo.stop();
    };
    signal?.addEventListener('abort', () => void stopAll(), { once: true });
    try {
      browser = await launchChromium({
        collectorUrl: demo.collectorUrl,
        projectKey: demo.projectKey,
      });
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(`${demo.demoUrl}/`);
      await page.waitForFunction(() => typeof window.getAgentStatus === 'function');
      const world = {
        page,
        demoUrl: demo.demoUrl,
        collector: createCollectorClient(demo.collectorUrl, demo.adminToken),
        demoOutput: demo.output,
        serviceLog: demo.serviceLog,
        verifyWindowMs: options.verifyWindowS * 1000,
      };
      for (const [i, fault] of classes.entries()) {
        if (signal?.aborted) break;
        options.onProgress?.(
          round * classes.length + i,
          total,
          `${fault.label}, round ${round + 1}`,
        );
        if (fault.id === 'cache' && !demo.cache) {
          skipped.set(fault.id, 'no Redis reachable (REDIS_URL)');
          continue;
        }
        runs.push(await runOnce(world, fault));
      }
    } finally {
      await stopAll();
    }
  }
  options.onProgress?.(total, total, 'done');
  return {
    classes,
    runs,
    skipped,
    options: { runs: options.runs, verifyWindowS: options.verifyWindowS },
  };
}
