import { formatTime } from '@selfheal/extension/panel/format';
import type { FixOutcome, Issue } from '@selfheal/shared/protocol';
import { outcomeClass } from './decision-details.js';

/** Fixes the agents ran, newest first, with what verifying them found. Text only. */
export function Fixes({ fixes, issues }: { fixes: FixOutcome[]; issues: Issue[] }) {
  const titles = new Map(issues.map((i) => [i.fingerprint, i.title]));
  return (
    <section aria-label="Fixes">
      <h2>
        Fixes <span class="count">{fixes.length}</span>
      </h2>
      {fixes.length === 0 ? (
        <p class="empty">No fix has been reported.</p>
      ) : (
        <ol class="timeline">
          {fixes.slice(0, 30).map((fix) => (
            <li
              key={fix.id}
              class="fix"
              data-strategy={fix.strategy}
              data-outcome={outcomeClass(fix.status)}
            >
              <div class="fix-head">
                <span class="when">{formatTime(Date.parse(fix.reportedAt))}</span>
                <span class="strategy">{fix.strategy}</span>
                <span class={`badge ${outcomeClass(fix.status)}`}>{fix.status}</span>
                <span class="muted">
                  {fix.local ? 'chosen by the agent' : 'by decision'} ·{' '}
                  {fix.service ?? (fix.sessionId ? 'page' : '—')}
                  {fix.verifiedBy ? ` · by ${fix.verifiedBy}` : ''}
                </span>
              </div>
              <div class="reason">{titles.get(fix.fingerprint) ?? fix.fingerprint}</div>
              {fix.detail ? <div class="detail">{fix.detail}</div> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
