/**
 * The standalone build's entry: `<script src="frontend-agent.js" data-collector="…" data-key="…">`.
 * Reads its settings from its own tag's data- attributes, reports over HTTP through the page's
 * native fetch, and exposes `getAgentStatus()` and `selfheal` on the window.
 */
import {
  type Agent,
  type AgentConfig,
  createHttpTransport,
  nativeFetch,
  startAgent,
} from './agent/index.js';

declare global {
  interface Window {
    getAgentStatus?: () => ReturnType<Agent['getStatus']>;
    selfheal?: Agent;
  }
}

/** The config the tag's data- attributes give (`data-auto-fix="false"`, `data-critical-selectors="#app,nav"`, …). */
export function configFromTag(tag: HTMLOrSVGScriptElement | null): Partial<AgentConfig> {
  const data = (tag as HTMLScriptElement | null)?.dataset ?? {};
  const config: Partial<AgentConfig> = {};
  const flag = (value: string | undefined) => (value === undefined ? undefined : value !== 'false');
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  if (data.collector) config.collectorUrl = data.collector;
  if (data.key) config.projectKey = data.key;
  if (data.service) config.service = data.service;
  const switches = {
    autoFixEnabled: flag(data.autoFix),
    reportingEnabled: flag(data.reporting),
    captureConsole: flag(data.captureConsole),
  };
  const numbers = {
    retryMaxAttempts: number(data.retryMaxAttempts),
    retryBaseDelayMs: number(data.retryBaseDelayMs),
    flushIntervalMs: number(data.flushIntervalMs),
    batchSize: number(data.batchSize),
    verifyWindowMs: number(data.verifyWindowMs),
    longTaskThresholdMs: number(data.longTaskThresholdMs),
    criticalSelectorDelayMs: number(data.criticalSelectorDelayMs),
  };
  for (const [key, value] of Object.entries({ ...switches, ...numbers })) {
    if (value !== undefined) (config as Record<string, unknown>)[key] = value;
  }
  if (data.criticalSelectors) {
    config.criticalSelectors = data.criticalSelectors.split(',').map((s) => s.trim());
  }
  return config;
}

function boot(): void {
  const config = configFromTag(document.currentScript);
  const fetch = nativeFetch(window);
  const beacon = navigator.sendBeacon?.bind(navigator);
  const agent = startAgent({
    config,
    transport: createHttpTransport({
      collectorUrl: config.collectorUrl ?? '',
      projectKey: config.projectKey ?? '',
      fetch,
      sendBeacon: beacon,
    }),
  });
  window.selfheal = agent;
  window.getAgentStatus = () => agent.getStatus();
}

try {
  boot();
} catch {
  // The agent must never break the page that embeds it.
}
