import type { TabState } from '@selfheal/shared/protocol';
import { formatDuration, formatRate } from './format.js';

/**
 * Health of the tab: the fix success rate and counts over everything this tab has seen (across
 * reloads), and the uptime of the agent in the page now, aged since its last status.
 */
export function Health({ state, now }: { state: TabState; now: number }) {
  const finished = state.fixes.filter((f) => f.success !== null);
  const verified = finished.filter((f) => f.success).length;
  const rate = finished.length > 0 ? verified / finished.length : null;
  const uptime =
    state.status && state.statusAt !== null
      ? state.status.health.uptime + (state.agentConnected ? Math.max(0, now - state.statusAt) : 0)
      : undefined;
  const tiles: Array<[string, string, string]> = [
    ['fix-success-rate', 'Fix success rate', formatRate(rate)],
    ['fixes-verified', 'Fixes verified', `${verified} of ${finished.length}`],
    ['faults-seen', 'Faults seen', String(state.faults.reduce((n, f) => n + f.count, 0))],
    ['uptime', 'Agent uptime', uptime === undefined ? '—' : formatDuration(uptime)],
    ['reports-sent', 'Reports sent', String(state.reports.sent)],
  ];
  return (
    <section class="health" aria-label="Health">
      {tiles.map(([id, label, value]) => (
        <div class="tile" key={id} data-testid={id}>
          <div class="tile-value">{value}</div>
          <div class="tile-label">{label}</div>
        </div>
      ))}
    </section>
  );
}
