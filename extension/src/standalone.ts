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

/** The tab's session, kept in sessionStorage so the page's reloads are one session. */
function tabSession(): string | undefined {
  try {
    const store = window.sessionStorage;
    const key = 'selfheal:session';
    const id = store.getItem(key) ?? crypto.randomUUID();
    store.setItem(key, id);
    return id;
  } catch {
    return undefined;
  }
}

function boot(): void {
  const config = configFromTag(document.currentScript);
  // The extension's agent starts at document_start, before this tag, and fixes what it sees: a
  // second agent fixing the same faults would retry, reload or re-insert twice. This one still
  // reports to the site's collector, and leaves fixing to it.
  if (window.getAgentStatus) config.autoFixEnabled = false;
  const fetch = nativeFetch(window);
  const beacon = navigator.sendBeacon?.bind(navigator);
  const agent = startAgent({
    config,
    sessionId: tabSession(),
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
