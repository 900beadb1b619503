import { formatAgo } from '@selfheal/extension/panel/format';
import type { Issue, Trends } from '@selfheal/shared/protocol';

/** Issues with their counts, their last day and where they were seen. Text only, never HTML. */
export function Issues(props: { issues: Issue[]; trends: Trends | null; now: number }) {
  const recent = new Map(props.trends?.issues.map((i) => [i.fingerprint, i]));
  return (
    <section aria-label="Issues">
      <h2>
        Issues <span class="count">{props.issues.length}</span>
      </h2>
      {props.issues.length === 0 ? (
        <p class="empty">No fault reported yet.</p>
      ) : (
        <table class="faults issues">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Fault</th>
              <th class="num">Count</th>
              <th class="num">Last day</th>
              <th>Seen on</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {props.issues.map((issue) => {
              const trend = recent.get(issue.fingerprint);
              // Every service or origin the issue kept, then the page origins of its recent events.
              const places = [
                ...new Set([
                  ...issue.services,
                  ...(trend?.origins ?? [issue.url && originOf(issue.url)]),
                ]),
              ].filter((p): p is string => !!p);
              return (
                <tr key={issue.fingerprint} data-fingerprint={issue.fingerprint}>
                  <td>
                    <span class={`kind sev-${issue.severity}`}>{issue.kind}</span>
                  </td>
                  <td class="title" title={issue.fingerprint}>
                    {issue.title}
                  </td>
                  <td class="num" data-testid="issue-count">
                    {issue.count}
                  </td>
                  <td class="num">{trend?.count ?? 0}</td>
                  <td class="seen">{places.join(', ') || '—'}</td>
                  <td class="when">{formatAgo(Date.parse(issue.lastSeen), props.now)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
