import type { TabState } from '@selfheal/shared/protocol';
import { formatAgo } from './format.js';

/** The tab's faults, one row per fingerprint, most recent first. Text only, never HTML. */
export function Faults({ state, now }: { state: TabState; now: number }) {
  const faults = [...state.faults].sort((a, b) => b.lastSeen - a.lastSeen);
  return (
    <section aria-label="Faults">
      <h2>
        Faults <span class="count">{faults.length}</span>
      </h2>
      {faults.length === 0 ? (
        <p class="empty">No faults seen in this tab.</p>
      ) : (
        <table class="faults">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Fault</th>
              <th class="num">Count</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {faults.map((f) => (
              <tr key={f.fingerprint} data-fingerprint={f.fingerprint} data-kind={f.kind}>
                <td>
                  <span class={`kind sev-${f.severity}`}>{f.kind}</span>
                </td>
                <td class="title" title={f.fingerprint}>
                  {f.title}
                </td>
                <td class="num">{f.count}</td>
                <td class="when">{formatAgo(f.lastSeen, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
