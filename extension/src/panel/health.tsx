import type { TabState } from '@selfheal/shared/protocol';
import { formatDuration, formatRate } from './format.js';

/** Health of the tab's agent: fix success rate, uptime and its counters. */
export function Health({ state }: { state: TabState }) {
  const status = state.status;
  const metrics = status?.metrics ?? {};
  const finished = state.fixes.filter((f) => f.success !== null);
  const localRate = finished.length
    ? finished.filter((f) => f.success).length / finished.length
    : null;
  const rate = status?.health.fixSuccessRate ?? localRate;
  const uptime = status?.health.uptime;
  const tiles: Array<[string, string, string]> = [
    ['fix-success-rate', 'Fix success rate', formatRate(rate)],
    // Agents report uptime in milliseconds.
    ['uptime', 'Uptime', typeof uptime === 'number' ? formatDuration(uptime) : '—'],
    ['errors-detected', 'Faults detected', String(metrics.errorsDetected ?? sumCounts(state))],
    [
      'errors-fixed',
      'Fixed',
      String(metrics.errorsFixed ?? finished.filter((f) => f.success).length),
    ],
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

function sumCounts(state: TabState): number {
  return state.faults.reduce((n, f) => n + f.count, 0);
}
