import type { Settings, TabState, WorkerToPanel } from '@selfheal/shared/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Connection, connect } from './connection.js';
import { Decisions, type DecisionsView } from './decisions.js';
import { Faults } from './faults.js';
import { Health } from './health.js';
import { SettingsForm } from './settings-form.js';
import { Timeline } from './timeline.js';

type Tab = 'overview' | 'settings';

/** How often an open panel asks for the collector's decisions again. */
const DECISIONS_POLL_MS = 15_000;

/** The panel: the inspected tab's faults, fixes, decisions and health, live; and the settings. */
export function App({ tabId }: { tabId: number | undefined }) {
  const [state, setState] = useState<TabState | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [link, setLink] = useState<'connected' | 'reconnecting'>('reconnecting');
  const [decisions, setDecisions] = useState<DecisionsView>({
    available: false,
    decisions: [],
    error: null,
    loading: false,
  });
  const [tab, setTab] = useState<Tab>('overview');
  const [now, setNow] = useState(Date.now());
  const connection = useRef<Connection | null>(null);

  useEffect(() => {
    if (tabId === undefined) return;
    const onMessage = (message: WorkerToPanel) => {
      switch (message.type) {
        case 'tab_state':
          if (message.state.tabId === tabId) setState(message.state);
          return;
        case 'settings':
          setSettings(message.settings);
          // A token saved (or cleared) changes what the collector shows: ask again at once.
          connection.current?.send({ type: 'refresh_decisions', tabId });
          return;
        case 'decisions':
          setDecisions({ ...message, loading: false });
          return;
        case 'decision_result':
          if (!message.ok) setDecisions((d) => ({ ...d, error: message.error }));
          connection.current?.send({ type: 'refresh_decisions', tabId });
          return;
        case 'error':
          return;
      }
    };
    connection.current = connect({
      onOpen: (c) => {
        c.send({ type: 'subscribe', tabId });
        c.send({ type: 'refresh_decisions', tabId });
      },
      onMessage,
      onStatus: setLink,
    });
    const clock = setInterval(() => setNow(Date.now()), 1_000);
    // Decisions change on the collector's side: look again now and then while the panel is open.
    const poll = setInterval(
      () => connection.current?.send({ type: 'refresh_decisions', tabId }),
      DECISIONS_POLL_MS,
    );
    return () => {
      clearInterval(clock);
      clearInterval(poll);
      connection.current?.close();
    };
  }, [tabId]);

  if (tabId === undefined) {
    return <p class="notice">No tab to inspect: open this panel in DevTools, or add ?tabId=N.</p>;
  }

  const refresh = () => {
    setDecisions((d) => ({ ...d, loading: true }));
    connection.current?.send({ type: 'refresh_decisions', tabId });
  };

  return (
    <main>
      <header>
        <h1>Selfheal</h1>
        <span class="url" title={state?.url}>
          {state?.url || `tab ${tabId}`}
        </span>
        <span class={`dot ${state?.agentConnected ? 'ok' : 'off'}`} data-testid="agent">
          {state?.agentConnected ? 'agent running' : 'no agent yet'}
        </span>
        <span class={`dot ${link === 'connected' ? 'ok' : 'bad'}`} data-testid="link">
          {link === 'connected' ? 'live' : 'reconnecting…'}
        </span>
        <nav>
          <button
            type="button"
            class={tab === 'overview' ? 'on' : ''}
            onClick={() => setTab('overview')}
          >
            Overview
          </button>
          <button
            type="button"
            class={tab === 'settings' ? 'on' : ''}
            onClick={() => setTab('settings')}
          >
            Settings
          </button>
        </nav>
      </header>
      {tab === 'settings' && settings ? (
        <SettingsForm
          settings={settings}
          onSave={(next) => connection.current?.send({ type: 'save_settings', settings: next })}
        />
      ) : state ? (
        <>
          <Health state={state} now={now} />
          {state.reports.lastError ? (
            <p class="notice">Reporting: {state.reports.lastError}</p>
          ) : null}
          <div class="columns">
            <Faults state={state} now={now} />
            <Timeline state={state} />
          </div>
          <Decisions
            view={decisions}
            canDecide={!!settings?.adminToken}
            onRefresh={refresh}
            onDecide={(decisionId, action) =>
              connection.current?.send({ type: 'decide', tabId, decisionId, action })
            }
            details={(d) => {
              const fault = state.faults.find((f) => f.fingerprint === d.fingerprint);
              return (
                <div class="detail" data-fault={d.fingerprint}>
                  For {fault ? `${fault.kind}: ${fault.title}` : `fault ${d.fingerprint}`}
                </div>
              );
            }}
          />
          <footer>
            <button
              type="button"
              class="link"
              onClick={() => connection.current?.send({ type: 'clear_tab', tabId })}
            >
              Clear this tab’s history
            </button>
          </footer>
        </>
      ) : (
        <p class="empty">Connecting…</p>
      )}
    </main>
  );
}
