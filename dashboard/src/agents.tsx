import { formatAgo } from '@selfheal/extension/panel/format';
import type { Agent } from '@selfheal/shared/protocol';

interface ServiceRow {
  service: string;
  instances: Agent[];
}

function byService(agents: Agent[]): ServiceRow[] {
  const rows = new Map<string, Agent[]>();
  for (const agent of agents) {
    const name = agent.service ?? '(unnamed)';
    rows.set(name, [...(rows.get(name) ?? []), agent]);
  }
  return [...rows.entries()]
    .map(([service, instances]) => ({ service, instances }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

/**
 * Agents online: services (their instances, healthy or not) apart from pages. A page agent is
 * one browser session: its reloads report under the same session, so they are one row.
 */
export function Agents({ agents, now }: { agents: Agent[]; now: number }) {
  const services = byService(agents.filter((a) => a.agent === 'backend'));
  const pages = agents.filter((a) => a.agent === 'frontend');
  const online = (list: Agent[]) => list.filter((a) => a.online).length;
  return (
    <section aria-label="Agents" class="agents">
      <h2>
        Services <span class="count">{services.length}</span>
      </h2>
      {services.length === 0 ? (
        <p class="empty">No service has reported yet.</p>
      ) : (
        <table data-testid="services">
          <thead>
            <tr>
              <th>Service</th>
              <th class="num">Online</th>
              <th>Health</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {services.map(({ service, instances }) => {
              const unhealthy = instances.filter((a) => a.online && !a.healthy).length;
              const last = Math.max(...instances.map((a) => Date.parse(a.lastSeen)));
              return (
                <tr key={service} data-service={service}>
                  <td class="title" title={instances.map((a) => a.hostname ?? a.id).join(', ')}>
                    {service}
                  </td>
                  <td class="num">
                    {online(instances)} / {instances.length}
                  </td>
                  <td>
                    <span class={`dot ${unhealthy > 0 ? 'bad' : online(instances) ? 'ok' : 'off'}`}>
                      {unhealthy > 0
                        ? `${unhealthy} failing`
                        : online(instances)
                          ? 'healthy'
                          : 'offline'}
                    </span>
                  </td>
                  <td class="when">{formatAgo(last, now)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2>
        Page sessions <span class="count">{online(pages)} online</span>
      </h2>
      {pages.length === 0 ? (
        <p class="empty">No page has reported yet.</p>
      ) : (
        <table data-testid="pages">
          <thead>
            <tr>
              <th>Session</th>
              <th>First seen</th>
              <th class="num">Reports</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {pages.slice(0, 20).map((a) => (
              <tr key={a.id} data-session={a.sessionId ?? a.id}>
                <td class="title" title={a.id}>
                  <span class={`dot ${a.online ? 'ok' : 'off'}`} />
                  {(a.sessionId ?? a.id).slice(0, 12)}
                </td>
                <td class="when">{formatAgo(Date.parse(a.firstSeen), now)}</td>
                <td class="num">{a.reports}</td>
                <td class="when">{formatAgo(Date.parse(a.lastSeen), now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
