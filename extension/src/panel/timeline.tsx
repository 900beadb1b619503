import type { FixRecord, TabState } from '@selfheal/shared/protocol';
import { formatTime } from './format.js';

function outcome(fix: FixRecord): { label: string; cls: string } {
  if (fix.success === null) return { label: 'running', cls: 'pending' };
  return fix.success ? { label: 'verified', cls: 'ok' } : { label: 'failed', cls: 'bad' };
}

/** Every fix, newest first: what ran, why, and whether it was verified. */
export function Timeline({ state }: { state: TabState }) {
  const fixes = [...state.fixes].sort((a, b) => b.startedAt - a.startedAt);
  return (
    <section aria-label="Fixes">
      <h2>
        Fixes <span class="count">{fixes.length}</span>
      </h2>
      {fixes.length === 0 ? (
        <p class="empty">No fix has run in this tab.</p>
      ) : (
        <ol class="timeline">
          {fixes.map((fix) => {
            const result = outcome(fix);
            return (
              <li
                key={fix.id}
                class="fix"
                data-strategy={fix.strategy}
                data-fingerprint={fix.fingerprint}
                data-outcome={result.cls}
              >
                <div class="fix-head">
                  <span class="when">{formatTime(fix.startedAt)}</span>
                  <span class="strategy">{fix.strategy}</span>
                  <span class={`badge ${result.cls}`}>{result.label}</span>
                  {fix.verifiedBy ? <span class="muted">by {fix.verifiedBy}</span> : null}
                  {fix.endedAt !== undefined ? (
                    <span class="muted">{Math.max(0, fix.endedAt - fix.startedAt)} ms</span>
                  ) : null}
                </div>
                <div class="reason">{fix.reason}</div>
                {fix.detail ? <div class="detail">{fix.detail}</div> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
