/**
 * The page-world bootstrap, run at document_start before any of the page's scripts: it opens the
 * bridge to the content script and starts the agent with it as its transport. It knows no
 * collector URL, key or token; those stay in the extension.
 */
import { type Agent, startAgent } from '../agent/index.js';
import { createPageBridge } from './page-bridge.js';

declare global {
  interface Window {
    getAgentStatus?: () => ReturnType<Agent['getStatus']>;
  }
}

/** How often the agent's counters are looked at for changes the activity stream did not carry. */
const STATUS_INTERVAL_MS = 5_000;

function boot(): void {
  const bridge = createPageBridge(window);
  const agent = startAgent({
    config: { service: location.host },
    transport: { send: (report) => bridge.sendReport(report) },
  });
  let lastSent = '';
  const sendStatus = () => {
    const { metrics, health } = agent.getStatus();
    // Only what changed: the panel ages the uptime itself, and an idle tab should let the
    // extension's worker sleep.
    const key = JSON.stringify([metrics, health.fixSuccessRate]);
    if (key === lastSent) return;
    lastSent = key;
    bridge.post({ type: 'status', status: { metrics: { ...metrics }, health: { ...health } } });
  };
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  agent.onActivity((event) => {
    bridge.post({ type: 'activity', event: { ...event } });
    // One status shortly after a burst of activity, not one per event.
    if (statusTimer !== undefined) return;
    statusTimer = setTimeout(() => {
      statusTimer = undefined;
      sendStatus();
    }, 250);
  });
  let statusInterval: ReturnType<typeof setInterval> | undefined;
  bridge.onConfig((config) => {
    if (config.agentEnabled !== false) return agent.updateConfig(config);
    // Switched off: every original back, no timer left; it runs again when the page loads again.
    agent.stop();
    clearInterval(statusInterval);
    clearTimeout(statusTimer);
  });
  bridge.post({ type: 'ready', url: location.href.slice(0, 4_096) });
  sendStatus();
  statusInterval = setInterval(sendStatus, STATUS_INTERVAL_MS);
  window.getAgentStatus = () => agent.getStatus();
}

try {
  boot();
} catch {
  // The agent must never break the page it watches.
}
