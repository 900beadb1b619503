import { awaitsPerson } from '@selfheal/shared';
import type { Decision } from '@selfheal/shared/protocol';
import type { ComponentChildren } from 'preact';

/** What the panel knows of the collector's decisions for this tab's issues. */
export interface DecisionsView {
  available: boolean;
  decisions: Decision[];
  error: string | null;
  loading: boolean;
}

/** The collector's decisions, with approve/reject for those waiting for a person. */
export function Decisions(props: {
  view: DecisionsView;
  canDecide: boolean;
  onRefresh(): void;
  onDecide(decisionId: string, action: 'approve' | 'reject'): void;
  /** The heading; the panel's by default. */
  title?: string;
  /** Said when there is no decision; the panel's by default. */
  empty?: string;
  /** More about one decision, under its reasoning (the dashboard: its fault, record and outcome). */
  details?(decision: Decision): ComponentChildren;
}) {
  const { view, canDecide } = props;
  return (
    <section aria-label="Decisions">
      <h2>
        {props.title ?? 'Collector decisions'} <span class="count">{view.decisions.length}</span>
        <button type="button" class="link" onClick={props.onRefresh} disabled={view.loading}>
          {view.loading ? 'Loading…' : 'Refresh'}
        </button>
      </h2>
      {view.error ? <p class="notice">{view.error}</p> : null}
      {view.available && view.decisions.length === 0 ? (
        <p class="empty">
          {props.empty ?? 'The collector has not decided anything about this tab’s issues.'}
        </p>
      ) : null}
      <ul class="decisions">
        {view.decisions.map((d) => (
          <li key={d.id} data-decision={d.id} data-status={d.status}>
            <div class="fix-head">
              <span class="strategy">{d.strategy}</span>
              <span class={`badge status-${d.status}`}>{d.status}</span>
              <span class="muted">
                {Math.round(d.confidence * 100)} % · {d.riskLevel} · {d.source}
              </span>
              {canDecide && awaitsPerson(d.status) ? (
                <span class="actions">
                  <button type="button" onClick={() => props.onDecide(d.id, 'approve')}>
                    Approve
                  </button>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => props.onDecide(d.id, 'reject')}
                  >
                    Reject
                  </button>
                </span>
              ) : null}
            </div>
            {props.details?.(d)}
            <div class="reason">{d.reasoning}</div>
            {d.developerFix ? (
              <div class="detail">
                {d.source === 'llm' ? 'Suggested by the model (unverified): ' : 'Developer fix: '}
                {d.developerFix}
              </div>
            ) : null}
            {(d.status === 'failed' || d.status === 'expired') && d.notes.length > 0 ? (
              <div class="detail" data-why>
                Why: {d.notes.at(-1)}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
