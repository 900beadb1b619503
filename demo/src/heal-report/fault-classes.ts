import type { Page } from 'playwright-core';

/** What a fault class's steps can use. */
export interface FaultWorld {
  page: Page;
  demoUrl: string;
}

/** One fault class of the demo, as the report injects and judges it. */
export interface FaultClass {
  /** The shop button's `data-fault`. */
  id: string;
  label: string;
  /** Kinds of the faults it causes: verified fixes of these count as its heal. */
  kinds: readonly string[];
  /** Page navigations one injection may cause without being a reload loop. */
  reloadsAllowed: number;
  /** Nothing an agent can do heals it: the expected end is an escalation to a person. */
  escalates?: boolean;
  /**
   * In the service, the fault is not in what a user sees at once (a heap filling up): it counts
   * as healed once an agent reported a fix that worked and the service answers, and its time to
   * heal runs to that report.
   */
  inService?: boolean;
  /** The original system's claimed heal rate for this class, when it claimed one. */
  claimed?: { name: string; rate: number };
  /** Presses the button (and what else a user does); resolves with when the fault happened. */
  inject(world: FaultWorld): Promise<number>;
  /** True once a user sees it healed. */
  healed(world: FaultWorld): Promise<boolean>;
}

const logCount = async (page: Page, text: string) =>
  ((await page.textContent('#log')) ?? '').split(text).length - 1;

/** The service answers its products within `withinMs`, `times` times in a row. */
async function serviceAnswers(world: FaultWorld, withinMs = 1_000, times = 1): Promise<boolean> {
  for (let i = 0; i < times; i += 1) {
    try {
      const started = performance.now();
      const answer = await fetch(`${world.demoUrl}/api/products`, {
        signal: AbortSignal.timeout(withinMs),
      });
      if (!answer.ok || performance.now() - started >= withinMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Clicks a fault button; the fault happens at once. */
const click = (id: string) => async (world: FaultWorld) => {
  await world.page.click(`button[data-fault="${id}"]`);
  return Date.now();
};

/**
 * The demo's fault classes, in the order the report runs them: the outage last, as what the
 * agents do about it (the service's error rate rises) may come later than the injection.
 */
export function faultClasses(): FaultClass[] {
  let flakySeen = 0;
  let releaseBefore = '';
  return [
    {
      id: 'flaky',
      label: 'Flaky API (network)',
      // A 503 is classified as an API that is down; the page retries it.
      kinds: ['api_down', 'network_error'],
      reloadsAllowed: 0,
      claimed: { name: 'network', rate: 0.85 },
      async inject(world) {
        flakySeen = await logCount(world.page, 'GET /api/flaky: the page saw 200');
        return click('flaky')(world);
      },
      healed: async ({ page }) =>
        (await logCount(page, 'GET /api/flaky: the page saw 200')) > flakySeen,
    },
    {
      id: 'deploy',
      label: 'Deploy, stale chunk (import)',
      kinds: ['import_error'],
      reloadsAllowed: 1,
      claimed: { name: 'import', rate: 0.95 },
      async inject({ page }) {
        releaseBefore = (await page.textContent('#release')) ?? '';
        const deployed = await logCount(page, '/api/deploy: 200');
        await page.click('button[data-fault="deploy"]');
        await page.waitForFunction(
          ([text, n]) => (document.getElementById('log')?.textContent ?? '').split(text).length > n,
          ['/api/deploy: 200', deployed + 1] as const,
          { timeout: 90_000 },
        );
        // The fault is the stale import a user's click makes after the deploy.
        await page.click('#details');
        return Date.now();
      },
      async healed({ page }) {
        const now = (await page.textContent('#release').catch(() => '')) ?? '';
        if (!now || now === releaseBefore) return false;
        await page.click('#details').catch(() => {});
        const out = (await page.textContent('#details-out').catch(() => '')) ?? '';
        return out.includes(`release ${now}`);
      },
    },
    {
      id: 'script',
      label: 'Missing script (resource)',
      kinds: ['file_not_found'],
      reloadsAllowed: 0,
      async inject(world) {
        await world.page.evaluate(() => {
          const reviews = document.getElementById('reviews');
          if (reviews) reviews.textContent = '';
        });
        return click('script')(world);
      },
      healed: async ({ page }) =>
        ((await page.textContent('#reviews')) ?? '').includes('widget loaded'),
    },
    {
      id: 'db',
      inService: true,
      label: 'Database connection dropped',
      kinds: ['db_down'],
      reloadsAllowed: 0,
      claimed: { name: 'DB', rate: 0.95 },
      inject: click('db'),
      healed: (world) => serviceAnswers(world),
    },
    {
      id: 'cache',
      inService: true,
      label: 'Cache goes away',
      kinds: ['cache_down'],
      reloadsAllowed: 0,
      claimed: { name: 'cache', rate: 0.95 },
      inject: click('cache'),
      healed: (world) => serviceAnswers(world),
    },
    {
      id: 'memory',
      inService: true,
      label: 'Memory growth',
      kinds: ['high_memory'],
      reloadsAllowed: 0,
      claimed: { name: 'memory', rate: 0.85 },
      inject: click('memory'),
      healed: (world) => serviceAnswers(world),
    },
    {
      id: 'event-loop',
      inService: true,
      label: 'Blocked event loop',
      kinds: ['event_loop_lag'],
      reloadsAllowed: 0,
      inject: click('event-loop'),
      // A blocked loop still answers, late (or, between two blocks, by luck): healed when it
      // answers quickly a few times in a row.
      healed: (world) => serviceAnswers(world, 150, 5),
    },
    {
      id: 'api-down',
      label: 'API down',
      kinds: ['api_down', 'network_error'],
      reloadsAllowed: 0,
      escalates: true,
      claimed: { name: 'API down', rate: 0.9 },
      inject: click('api-down'),
      async healed(world) {
        try {
          return (await fetch(`${world.demoUrl}/api/recommendations`)).ok;
        } catch {
          return false;
        }
      },
    },
  ];
}
