import { formatTime } from '@selfheal/extension/panel/format';
import type { Escalation, Issue, ModelCall, Status } from '@selfheal/shared/protocol';

/** Model calls behind decisions and what they cost, in total and by model. */
export function ModelCalls({ llm, calls }: { llm: Status['llm']; calls: ModelCall[] }) {
  return (
    <section aria-label="Model calls">
      <h2>
        Model calls <span class="count">{llm?.calls ?? 0}</span>
      </h2>
      {!llm || llm.calls === 0 ? (
        <p class="empty">No model call: decisions came from knowledge and rules.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Model</th>
              <th class="num">Calls</th>
              <th class="num">Tokens in / out</th>
              <th class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {llm.byModel.map((m) => (
              <tr key={m.model}>
                <td class="title">{m.model}</td>
                <td class="num">{m.calls}</td>
                <td class="num">
                  {m.promptTokens} / {m.completionTokens}
                </td>
                <td class="num">${m.costUsd.toFixed(4)}</td>
              </tr>
            ))}
            <tr>
              <td>
                <strong>Total</strong>
                {calls[0] ? (
                  <span class="muted"> · last {formatTime(Date.parse(calls[0].createdAt))}</span>
                ) : null}
              </td>
              <td class="num">{llm.calls}</td>
              <td class="num">
                {llm.promptTokens} / {llm.completionTokens}
              </td>
              <td class="num" data-testid="llm-cost">
                ${llm.costUsd.toFixed(4)}
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}

/** People told about decisions that were not applied on their own. */
export function Escalations({
  escalations,
  issues,
}: {
  escalations: Escalation[];
  issues: Issue[];
}) {
  const titles = new Map(issues.map((i) => [i.fingerprint, i.title]));
  return (
    <section aria-label="Escalations">
      <h2>
        Escalations <span class="count">{escalations.length}</span>
      </h2>
      {escalations.length === 0 ? (
        <p class="empty">Nothing escalated.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Status</th>
              <th>Fault</th>
              <th class="num">Tries</th>
            </tr>
          </thead>
          <tbody>
            {escalations.slice(0, 20).map((e) => (
              <tr key={e.id} data-escalation={e.id}>
                <td class="when">{formatTime(Date.parse(e.createdAt))}</td>
                <td>
                  <span
                    class={`badge ${e.status === 'failed' ? 'bad' : e.status === 'sent' ? 'ok' : 'pending'}`}
                  >
                    {e.status}
                  </span>
                </td>
                <td class="title" title={e.fingerprint}>
                  {titles.get(e.fingerprint) ?? e.fingerprint}
                </td>
                <td class="num">{e.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
