import { Decisions } from '@selfheal/extension/panel/decisions';
import { formatRate } from '@selfheal/extension/panel/format';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Agents } from './agents.js';
import { type Api, ApiError, createApi } from './api.js';
import { Escalations, ModelCalls } from './costs.js';
import {
  ALL_PARTS,
  applyUpdate,
  type DashboardData,
  EMPTY,
  type Part,
  readPart,
  staleAfter,
} from './data.js';
import { DecisionDetails } from './decision-details.js';
import { Fixes } from './fixes.js';
import { Issues } from './issues.js';
import { connectLive, type LinkState } from './live.js';
import { Login } from './login.js';
import { clearSession, loadSession, saveSession } from './session.js';
import { IssueTrend, StrategyTrend } from './trends.js';

/** How long live updates gather before the figures derived from them are read again. */
const RESYNC_DELAY_MS = 700;

function explain(error: unknown): string {
  if (error instanceof ApiError && error.unauthorized) {
    return error.status === 401
      ? 'Enter the admin token (sha_…).'
      : 'That is not the admin token of this collector.';
  }
  return error instanceof Error ? error.message : String(error);
}

/** The dashboard: sign in, then everything the collector knows, kept live. */
export function App() {
  const [session, setSession] = useState(loadSession);
  const [loginError, setLoginError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const signIn = async (token: string, project: string) => {
    setBusy(true);
    setLoginError(null);
    try {
      // One read proves the token before it is kept.
      await createApi(token, project).status();
      saveSession(token, project);
      setSession({ token, project });
    } catch (error) {
      setLoginError(explain(error));
    } finally {
      setBusy(false);
    }
  };
  const signOut = (why: string | null) => {
    clearSession();
    setSession(null);
    setLoginError(why);
  };

  if (!session) return <Login error={loginError} busy={busy} onSubmit={signIn} />;
  return <Dashboard {...session} onSignOut={signOut} />;
}

function Dashboard(props: { token: string; project: string; onSignOut(why: string | null): void }) {
  const api: Api = useMemo(
    () => createApi(props.token, props.project),
    [props.token, props.project],
  );
  const [data, setData] = useState<DashboardData>(EMPTY);
  const [link, setLink] = useState<LinkState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [now, setNow] = useState(Date.now());
  const stale = useRef(new Set<Part>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { onSignOut } = props;

  const read = useCallback(
    async (parts: Iterable<Part>) => {
      const results = await Promise.allSettled([...parts].map((part) => readPart(api, part)));
      const failure = results.find((r) => r.status === 'rejected');
      if (failure && failure.reason instanceof ApiError && failure.reason.unauthorized) {
        onSignOut(explain(failure.reason));
        return;
      }
      setError(failure ? `Reading the collector failed: ${explain(failure.reason)}` : null);
      const changes: Partial<DashboardData> = {};
      for (const r of results) if (r.status === 'fulfilled') Object.assign(changes, r.value);
      setData((current) => ({ ...current, ...changes }));
    },
    [api, onSignOut],
  );

  const markStale = useCallback(
    (parts: Part[]) => {
      for (const part of parts) stale.current.add(part);
      if (timer.current || stale.current.size === 0) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        const due = [...stale.current];
        stale.current.clear();
        void read(due);
      }, RESYNC_DELAY_MS);
    },
    [read],
  );

  useEffect(() => {
    const close = connectLive({
      token: props.token,
      project: props.project,
      onState: setLink,
      onResync: () => void read(ALL_PARTS),
      onUpdate: (update) => {
        setData((current) => applyUpdate(current, update));
        markStale(staleAfter(update));
      },
    });
    void read(ALL_PARTS);
    const clock = setInterval(() => setNow(Date.now()), 5_000);
    return () => {
      close();
      clearInterval(clock);
      clearTimeout(timer.current);
    };
  }, [props.token, props.project, read, markStale]);

  const review = async (decisionId: string, verdict: 'approve' | 'reject') => {
    setReviewError(null);
    try {
      const decision = await api.review(decisionId, verdict);
      setData((current) =>
        applyUpdate(current, { type: 'decision', project: props.project, decision }),
      );
      markStale(['fixes', 'status', 'knowledge']);
    } catch (e) {
      setReviewError(`${verdict === 'approve' ? 'Approving' : 'Rejecting'} failed: ${explain(e)}`);
    }
  };

  const status = data.status;
  const tiles: Array<[string, string, string]> = [
    [
      'agents-online',
      'Agents online',
      status ? `${status.agentsOnline} of ${status.agentsCount}` : '—',
    ],
    ['services-healthy', 'Services healthy', status ? String(status.servicesHealthy) : '—'],
    ['error-rate', 'Faults a minute', status ? String(status.errorRatePerMinute) : '—'],
    ['critical', 'Critical issues (24 h)', status ? String(status.criticalIssues) : '—'],
    ['fix-success-rate', 'Fix success rate', formatRate(status?.fixSuccessRate)],
    ['fixes-verified', 'Fixes verified', status ? String(status.totalFixes) : '—'],
    ['model-cost', 'Model cost', status?.llm ? `$${status.llm.costUsd.toFixed(4)}` : '$0'],
  ];
  const context = {
    issues: data.issues,
    knowledge: data.knowledge,
    calls: data.calls,
    fixes: data.fixes,
  };

  return (
    <main class="dashboard">
      <header>
        <h1>Selfheal</h1>
        <span class="url">project {props.project}</span>
        <span class={`dot ${link === 'live' ? 'ok' : 'bad'}`} data-testid="link">
          {link === 'live' ? 'live' : link === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </span>
        <nav>
          <button type="button" class="secondary" onClick={() => onSignOut(null)}>
            Sign out
          </button>
        </nav>
      </header>
      {error ? (
        <p class="notice" role="alert">
          {error}
        </p>
      ) : null}
      <section class="health" aria-label="Fleet">
        {tiles.map(([id, label, value]) => (
          <div class="tile" key={id} data-testid={id}>
            <div class="tile-value">{value}</div>
            <div class="tile-label">{label}</div>
          </div>
        ))}
      </section>
      <div class="columns">
        <StrategyTrend trends={data.trends} />
        <IssueTrend trends={data.trends} issues={data.issues} />
      </div>
      <Issues issues={data.issues} trends={data.trends} now={now} />
      <Decisions
        title="Decisions"
        empty="The collector has not decided anything yet."
        view={{
          available: status !== null,
          decisions: data.decisions,
          error: reviewError,
          loading,
        }}
        canDecide
        onRefresh={() => {
          setLoading(true);
          void read(['decisions', 'fixes', 'knowledge', 'calls']).finally(() => setLoading(false));
        }}
        onDecide={(id, verdict) => void review(id, verdict)}
        details={(decision) => <DecisionDetails decision={decision} context={context} />}
      />
      <div class="columns">
        <Fixes fixes={data.fixes} issues={data.issues} />
        <Agents agents={data.agents} now={now} />
      </div>
      <div class="columns">
        <ModelCalls llm={status?.llm} calls={data.calls} />
        <Escalations escalations={data.escalations} issues={data.issues} />
      </div>
    </main>
  );
}
