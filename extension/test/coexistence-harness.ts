import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { batteryRoute, RETRIED_PATHS } from './real-world-page.js';

/** Which scripts a battery page loads before its own, in order (`agent` is the standalone tag). */
export type Variant = 'none' | 'agent' | 'sentry' | 'agent+sentry' | 'sentry+agent';

/** What one run of the battery gave: the page's view, the server's hits, each SDK's reports. */
export interface Run {
  answers: Record<string, unknown>;
  identity: { before: unknown; after: unknown };
  /** Requests per `METHOD /path`, the battery's own only. */
  hits: Record<string, number>;
  /** Sentry's events as it sent them: exception or message text, sorted. */
  sentryEvents: string[];
  /** Sentry's fetch and XHR breadcrumbs (`category METHOD /path status`), sorted. */
  sentryCrumbs: string[];
  /** The agent's faults (type, message, count), sorted; empty without the agent. */
  agentFaults: string[];
}

/** Builds the real `@sentry/browser` into one classic script that defines `window.Sentry`. */
export async function buildSentryBundle(): Promise<string> {
  const output = (await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: true,
      lib: {
        entry: fileURLToPath(new URL('./sentry-entry.ts', import.meta.url)),
        formats: ['iife'],
        name: 'SentryBundle',
      },
    },
  })) as Array<{ output: Array<{ type: string; code?: string }> }>;
  const chunk = output[0]?.output[0];
  if (chunk?.type !== 'chunk') throw new Error('no Sentry bundle');
  return chunk.code as string;
}

/** axios's browser build, as the registry ships it. */
export function axiosBundle(): string {
  return readFileSync(new URL('../node_modules/axios/dist/axios.min.js', import.meta.url), 'utf8');
}

/** The fixture server: battery pages and routes, counting every hit, taking Sentry's envelopes. */
export async function startBatteryServer(scripts: { agent?: Buffer | undefined; sentry: string }) {
  const axios = axiosBundle();
  const counts = new Map<string, number>();
  const envelopes: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const key = `${req.method} ${path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const script = (body: string | Buffer) => {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end(pageHtml((url.searchParams.get('v') ?? 'none') as Variant, base));
    } else if (path === '/agent.js' && scripts.agent) script(scripts.agent);
    else if (path === '/sentry.js') script(scripts.sentry);
    else if (path === '/axios.js') script(axios);
    else if (path === '/api/1/envelope/' || path.startsWith('/collector/')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (path.startsWith('/api/1/')) envelopes.push(Buffer.concat(chunks).toString());
        res.writeHead(200, {
          'content-type': 'application/json',
          'access-control-allow-origin': '*',
        });
        res.end('{}');
      });
    } else if (!batteryRoute(req, res, path)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    /** Loads the battery page for `variant` in `page`, waits for it and collects the run. */
    async run(page: Page, variant: Variant): Promise<Run> {
      counts.clear();
      envelopes.length = 0;
      await page.goto(`${base}/page.html?v=${encodeURIComponent(variant)}`);
      await page.waitForFunction(() => 'battery' in window, undefined, { timeout: 60_000 });
      const { answers, identity, agentFaults, sentryCrumbs } = await page.evaluate(async () => {
        type Crumb = {
          category?: string;
          data?: { method?: string; url?: string; status_code?: number };
        };
        const w = window as unknown as {
          battery: Pick<Run, 'answers' | 'identity'>;
          Sentry?: {
            flush(ms: number): Promise<boolean>;
            getIsolationScope(): { getScopeData(): { breadcrumbs: Crumb[] } };
          };
          getAgentStatus?: () => {
            errorHistory: Array<{ type: string; message: string; count: number }>;
          };
        };
        await w.Sentry?.flush(5_000);
        const faults = w.getAgentStatus?.().errorHistory ?? [];
        const crumbs = w.Sentry?.getIsolationScope().getScopeData().breadcrumbs ?? [];
        return {
          ...w.battery,
          agentFaults: faults.map((f) => `${f.type} ×${f.count} ${f.message}`).sort(),
          sentryCrumbs: crumbs
            .filter((c) => c.category === 'fetch' || c.category === 'xhr')
            .map((c) => {
              const path = String(c.data?.url).replace(/^https?:\/\/[^/]+/, '');
              return `${c.category} ${c.data?.method} ${path} ${c.data?.status_code}`;
            })
            .sort(),
        };
      });
      const hits = Object.fromEntries(
        [...counts].filter(([key]) => / \/api\/(?!1\/)/.test(key)).sort(),
      );
      return {
        answers,
        identity,
        hits,
        sentryEvents: envelopes.flatMap(sentryEventsOf).sort(),
        sentryCrumbs,
        agentFaults: agentFaults.map((f) => f.replaceAll(base, 'BASE')),
      };
    },
    /** Requests to `METHOD /path` since the last run began. */
    hitsOf: (key: string) => counts.get(key) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The battery page: scripts in the variant's order, then axios and the page's own code. */
function pageHtml(variant: Variant, base: string): string {
  const tags: Record<string, string> = {
    agent: `<script src="/agent.js" data-collector="${base}/collector" data-key="k" data-retry-base-delay-ms="20" data-flush-interval-ms="200"></script>`,
    sentry: `<script src="/sentry.js"></script><script>Sentry.init({ dsn: 'http://public@${base.slice(7)}/1', integrations: [Sentry.captureConsoleIntegration({ levels: ['error'] })] });</script>`,
  };
  const head = [
    // The page's reference, taken before any SDK runs (the extension's agent runs before it).
    '<script>window.saved = { fetch: window.fetch, XHR: window.XMLHttpRequest };</script>',
    ...variant.split('+').map((part) => tags[part] ?? ''),
    '<script src="/axios.js"></script>',
  ].join('');
  return `<!doctype html><html><head><meta charset="utf-8">${head}</head><body><script src="/battery.js"></script></body></html>`;
}

function sentryEventsOf(envelope: string): string[] {
  const lines = envelope.split('\n');
  const events: string[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const item = JSON.parse(lines[i] as string) as { type?: string };
    if (item.type !== 'event') continue;
    const event = JSON.parse(lines[i + 1] as string) as {
      message?: string;
      exception?: { values?: Array<{ type?: string; value?: string }> };
    };
    const exception = event.exception?.values?.at(-1);
    events.push(
      exception
        ? [exception.type, exception.value].filter(Boolean).join(': ')
        : String(event.message),
    );
  }
  return events;
}

/** The hits of `run` that must not change with the agent: all but the requests it retries. */
export function steadyHits(run: Run): Record<string, number> {
  return Object.fromEntries(
    Object.entries(run.hits).filter(([key]) => !RETRIED_PATHS.includes(key)),
  );
}
