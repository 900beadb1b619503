/**
 * The standalone build's entry: `<script src="frontend-agent.js" data-collector="…" data-key="…">`.
 * Reads its settings from its own tag's data- attributes, reports over HTTP through the page's
 * native fetch, and exposes `getAgentStatus()` and `selfheal` on the window.
 */
import {
  type AgentGlobals,
  createHttpTransport,
  exposeAgent,
  nativeFetch,
  startAgent,
} from './agent/index.js';
import { configFromTag } from './standalone-config.js';

declare global {
  interface Window extends AgentGlobals {}
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
  exposeAgent(agent, window);
}

try {
  boot();
} catch {
  // The agent must never break the page that embeds it.
}
