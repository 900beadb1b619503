import { EXTENSION_PROTOCOL_VERSION } from '@selfheal/shared';
import {
  type FromPage,
  fromPageSchema,
  type PanelToWorker,
  panelToWorkerSchema,
  type TabState,
  type ToPage,
  type WorkerToPanel,
} from '@selfheal/shared/protocol';
import browser, { type Runtime } from 'webextension-polyfill';
import { decide, fetchDecisions, postReport, type ReportResult } from './collector-client.js';
import { originOf, toPageReport } from './page-report.js';
import { PANEL_PORT, TAB_PORT } from './ports.js';
import { loadSettings, saveSettings } from './settings.js';
import { toPageConfig } from './settings-defaults.js';
import { syncSites } from './sites.js';
import { applyEvent, applyStatus, emptyTabState } from './tab-state.js';
import { createTabStore } from './tab-store.js';

/**
 * The service worker: one pipe per tab (the content script's port), the panels watching each tab,
 * the collector. Everything a panel shows is in `chrome.storage.session`, so a worker that was
 * stopped comes back with all of it.
 */

const v = EXTENSION_PROTOCOL_VERSION;
const store = createTabStore(browser.storage.session);
const tabPorts = new Map<number, Runtime.Port>();
const panels = new Map<number, Set<Runtime.Port>>();

function send(port: Runtime.Port, message: ToPage | WorkerToPanel): void {
  try {
    port.postMessage(message);
  } catch {
    // The other end went away; its onDisconnect cleans up.
  }
}

function broadcast(state: TabState): void {
  for (const port of panels.get(state.tabId) ?? []) send(port, { v, type: 'tab_state', state });
}

/** The tab's session: made with its first report, kept across its reloads and navigations. */
async function tabSession(tabId: number): Promise<string> {
  const known = (await store.get(tabId)).sessionId;
  if (known) return known;
  const state = await store.update(tabId, (s) => {
    if (!s.sessionId) s.sessionId = crypto.randomUUID();
  });
  return state.sessionId;
}

/** One message from a tab whose page the browser says is at `origin`. */
async function onPageMessage(
  tabId: number,
  origin: string,
  port: Runtime.Port,
  message: FromPage,
): Promise<void> {
  switch (message.type) {
    case 'ready':
      broadcast(
        await store.update(tabId, (s) => {
          s.url = message.url;
          s.agentConnected = true;
        }),
      );
      return;
    case 'activity':
      broadcast(await store.update(tabId, (s) => applyEvent(s, message.event)));
      return;
    case 'status':
      broadcast(await store.update(tabId, (s) => applyStatus(s, message.status)));
      return;
    case 'report': {
      const { report, dropped } = toPageReport(message.report, origin, await tabSession(tabId));
      const result: ReportResult = report
        ? await postReport(await loadSettings(), report)
        : { ok: true, commands: [], skipped: true };
      send(port, { v, type: 'report_result', id: message.id, ...result });
      if (result.ok && result.skipped && dropped === 0) return;
      broadcast(
        await store.update(tabId, (s) => {
          s.reports.dropped += dropped;
          if (result.ok && result.skipped) return;
          if (result.ok) {
            s.reports.sent += 1;
            s.reports.events += report?.events.length ?? 0;
            s.reports.lastError = null;
          } else {
            s.reports.failed += 1;
            s.reports.lastError = result.error;
          }
        }),
      );
      return;
    }
  }
}

function onTabPort(port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  // The page speaks for its own origin, as the browser names it, never as the page claims.
  const origin = originOf(port.sender);
  if (
    tabId === undefined ||
    origin === undefined ||
    port.sender?.frameId !== 0 ||
    port.sender.id !== browser.runtime.id
  ) {
    port.disconnect();
    return;
  }
  tabPorts.set(tabId, port);
  port.onMessage.addListener((raw: unknown) => {
    const parsed = fromPageSchema.safeParse(raw);
    if (parsed.success) void onPageMessage(tabId, origin, port, parsed.data).catch(() => undefined);
  });
  port.onDisconnect.addListener(() => {
    if (tabPorts.get(tabId) !== port) return;
    tabPorts.delete(tabId);
  });
  void loadSettings().then((settings) =>
    send(port, { v, type: 'config', config: toPageConfig(settings) }),
  );
}

async function onPanelMessage(port: Runtime.Port, message: PanelToWorker): Promise<void> {
  switch (message.type) {
    case 'subscribe': {
      for (const set of panels.values()) set.delete(port);
      const set = panels.get(message.tabId) ?? new Set();
      set.add(port);
      panels.set(message.tabId, set);
      send(port, { v, type: 'tab_state', state: await store.get(message.tabId) });
      send(port, { v, type: 'settings', settings: await loadSettings() });
      return;
    }
    case 'get_settings':
      send(port, { v, type: 'settings', settings: await loadSettings() });
      return;
    case 'save_settings': {
      await saveSettings(message.settings);
      for (const tab of tabPorts.values()) {
        send(tab, { v, type: 'config', config: toPageConfig(message.settings) });
      }
      await syncSites(message.settings.sites).catch(() => undefined);
      send(port, { v, type: 'settings', settings: message.settings });
      return;
    }
    case 'refresh_decisions': {
      const state = await store.get(message.tabId);
      const fingerprints = [...state.faults]
        .sort((a, b) => b.lastSeen - a.lastSeen)
        .map((f) => f.fingerprint);
      const result = await fetchDecisions(await loadSettings(), fingerprints);
      send(port, { v, type: 'decisions', tabId: message.tabId, ...result });
      return;
    }
    case 'decide': {
      const error = await decide(await loadSettings(), message.decisionId, message.action);
      send(port, {
        v,
        type: 'decision_result',
        decisionId: message.decisionId,
        ok: error === null,
        error,
      });
      return;
    }
    case 'clear_tab': {
      const previous = await store.get(message.tabId);
      await store.remove(message.tabId);
      broadcast(
        await store.update(message.tabId, (s) => {
          Object.assign(s, emptyTabState(message.tabId, previous.url), {
            agentConnected: previous.agentConnected,
          });
        }),
      );
      return;
    }
  }
}

function onPanelPort(port: Runtime.Port): void {
  // Only the extension's own pages (the DevTools panel, or panel.html in a tab) may watch tabs.
  if (
    port.sender?.id !== browser.runtime.id ||
    !port.sender.url?.startsWith(browser.runtime.getURL(''))
  ) {
    port.disconnect();
    return;
  }
  port.onMessage.addListener((raw: unknown) => {
    const parsed = panelToWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      send(port, { v, type: 'error', error: parsed.error.issues[0]?.message ?? 'invalid message' });
      return;
    }
    void onPanelMessage(port, parsed.data).catch((error) =>
      send(port, { v, type: 'error', error: String(error) }),
    );
  });
  port.onDisconnect.addListener(() => {
    for (const set of panels.values()) set.delete(port);
  });
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name === TAB_PORT) onTabPort(port);
  else if (port.name === PANEL_PORT) onPanelPort(port);
  else port.disconnect();
});

browser.tabs.onRemoved.addListener((tabId) => {
  void store.remove(tabId);
});

browser.runtime.onInstalled.addListener(() => {
  void loadSettings()
    .then((s) => syncSites(s.sites))
    .catch(() => undefined);
});
