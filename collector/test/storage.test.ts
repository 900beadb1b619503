import {
  agentListSchema,
  healthSchema,
  issueDetailSchema,
  issueListSchema,
  statusSchema,
} from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  adminGet,
  collectorPerSuite,
  event,
  report,
  STORES,
  startCollector,
} from './harness.js';

/** Random lower-case letters: text the fingerprint keeps as it is. */
const word = () =>
  Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join(
    '',
  );

describe.each(STORES)('ingest and storage on $name', ({ create }) => {
  const suite = collectorPerSuite(create);

  it('groups events by fingerprint across ids, numbers and query strings', async () => {
    const first = event({
      message: 'GET https://api.example.com/users/123?token=abc failed: Failed to fetch',
      type: 'network',
      url: 'https://api.example.com/users/123?token=abc',
      data: { method: 'GET', status: 503 },
    });
    const second = event({
      message: 'GET https://api.example.com/users/456?token=xyz failed: Failed to fetch',
      type: 'network',
      url: 'https://api.example.com/users/456?token=xyz',
      data: { method: 'GET', status: 502 },
    });
    const res = await report(suite.base, {
      agent: 'frontend',
      sessionId: 's1',
      events: [first, second],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });

    const { issues } = await adminGet(suite.base, '/api/issues');
    const network = issues.filter((i: { type: string }) => i.type === 'network');
    expect(network).toHaveLength(1);
    expect(network[0]).toMatchObject({ kind: 'api_down', severity: 'critical', count: 2 });
    expect(network[0].url).not.toContain('abc');
  });

  it('keeps different messages apart and lists the most frequent first', async () => {
    const a = () => event({ message: 'ReferenceError: foo is not defined', stack: undefined });
    const b = event({ message: 'SyntaxError: Unexpected token <', stack: undefined });
    await report(suite.base, { agent: 'frontend', events: [a(), a(), a(), b] });
    const { issues } = await adminGet(suite.base, '/api/issues');
    const kinds = issues.map((i: { kind: string }) => i.kind);
    expect(kinds).toContain('reference_error');
    expect(kinds).toContain('syntax_error');
    const ref = issues.find((i: { kind: string }) => i.kind === 'reference_error');
    const syn = issues.find((i: { kind: string }) => i.kind === 'syntax_error');
    expect(ref.count).toBe(3);
    expect(syn.count).toBe(1);
    expect(issues.indexOf(ref)).toBeLessThan(issues.indexOf(syn));
    for (let i = 1; i < issues.length; i++)
      expect(issues[i - 1].count).toBeGreaterThanOrEqual(issues[i].count);
  });

  it('counts a resent event as a duplicate and stores it once', async () => {
    const events = [event(), event(), event()];
    const body = { agent: 'backend', service: 'billing', hostname: 'h1', events };
    const first = await (await report(suite.base, body)).json();
    expect(first).toEqual({ accepted: 3, duplicates: 0 });
    const before = await adminGet(suite.base, '/api/status');
    const again = await (await report(suite.base, body)).json();
    expect(again).toEqual({ accepted: 0, duplicates: 3 });
    const mixed = await (
      await report(suite.base, { ...body, events: [events[0], event()] })
    ).json();
    expect(mixed).toEqual({ accepted: 1, duplicates: 1 });
    const after = await adminGet(suite.base, '/api/status');
    expect(after.totalErrors).toBe(before.totalErrors + 1);
  });

  it('counts a repeated id inside one report once', async () => {
    const one = event();
    const res = await (await report(suite.base, { agent: 'frontend', events: [one, one] })).json();
    expect(res).toEqual({ accepted: 1, duplicates: 1 });
  });

  it('classifies and fingerprints the original single-event form on the collector', async () => {
    const res = await report(suite.base, {
      agent: 'backend',
      service: 'orders',
      event: { type: 'error', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    const { issues } = await adminGet(suite.base, '/api/issues');
    const db = issues.find((i: { kind: string }) => i.kind === 'db_down');
    expect(db).toMatchObject({ service: 'orders', severity: 'critical' });
    const detail = await adminGet(suite.base, `/api/issues/${db.fingerprint}`);
    expect(detail.issue.fingerprint).toBe(db.fingerprint);
    expect(detail.events[0].message).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('gives the same issue whether the agent or the collector fingerprinted it', async () => {
    const message = 'TypeError: x.map is not a function';
    await report(suite.base, { agent: 'backend', service: 's', event: { type: 'error', message } });
    const { issues } = await adminGet(suite.base, '/api/issues');
    const issue = issues.find((i: { title: string }) => i.title === message);
    await report(suite.base, {
      agent: 'frontend',
      events: [
        event({ message, stack: undefined, kind: issue.kind, fingerprint: issue.fingerprint }),
      ],
    });
    const after = await adminGet(suite.base, `/api/issues/${issue.fingerprint}`);
    expect(after.issue.count).toBe(issue.count + 1);
  });

  it('scrubs secrets from the stored message, stack, url, data and event detail', async () => {
    const res = await report(suite.base, {
      agent: 'frontend',
      events: [
        event({
          message: 'login failed for alice@example.com with Bearer abc.def.ghi123456789',
          stack:
            'Error: login failed for alice@example.com\n    at login (https://app.example.com/a.js?token=s3cr3t-t0ken:1:2)',
          url: 'https://app.example.com/login?password=hunter2&next=/home',
          data: { password: 'hunter2', note: 'card 4111 1111 1111 1111', nested: { apiKey: 'k' } },
        }),
      ],
    });
    expect(res.status).toBe(202);
    const { issues } = issueListSchema.parse(await adminGet(suite.base, '/api/issues?limit=1000'));
    const issue = issues.find((i) => i.title.startsWith('login failed'));
    if (!issue) throw new Error('the issue was not stored');
    expect(issue.title).not.toContain('alice@example.com');
    expect(issue.title).not.toContain('abc.def.ghi123456789');
    const detail = issueDetailSchema.parse(
      await adminGet(suite.base, `/api/issues/${issue.fingerprint}`),
    );
    const stored = detail.events[0];
    if (!stored) throw new Error('the event was not stored');
    const text = JSON.stringify(stored);
    for (const secret of ['alice@example.com', 'abc.def.ghi123456789', 's3cr3t-t0ken', 'hunter2']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('4111 1111 1111 1111');
    expect(stored.stack).toContain('[email]');
    expect(stored.url).toContain('password=[secret]');
    expect(stored.data).toMatchObject({ password: '[Filtered]', nested: { apiKey: '[Filtered]' } });
    expect(stored.data?.note).toContain('[card]');
  });

  it('lets a kind the agent sent decide the severity', async () => {
    const sent = event({ kind: 'db_down', message: 'boom', stack: undefined });
    expect((await report(suite.base, { agent: 'backend', events: [sent] })).status).toBe(202);
    const { issues } = await adminGet(suite.base, '/api/issues?limit=1000');
    const issue = issues.find((i: { title: string }) => i.title === 'boom');
    expect(issue).toMatchObject({ kind: 'db_down', severity: 'critical' });
  });

  it('reports agents, health and fixes in the status figures', async () => {
    await report(suite.base, {
      agent: 'backend',
      service: 'payments',
      hostname: 'pay-1',
      events: [
        event({
          type: 'health_check',
          message: 'db check failed',
          stack: undefined,
          fingerprint: 'db-pool',
          data: { check: 'db', status: 'fail' },
        }),
        event({
          type: 'fix_attempt',
          message: undefined,
          stack: undefined,
          data: { strategy: 'reconnect_database', fingerprint: 'db-pool' },
        }),
        event({
          type: 'fix_outcome',
          message: undefined,
          stack: undefined,
          data: { strategy: 'reconnect_database', fingerprint: 'db-pool', success: true },
        }),
        event({
          type: 'fix_outcome',
          message: undefined,
          stack: undefined,
          data: { strategy: 'reconnect_database', fingerprint: 'db-pool', success: false },
        }),
      ],
    });
    await suite.collector.decisions.idle();
    await suite.collector.decisions.sweep();
    const status = await adminGet(suite.base, '/api/status');
    statusSchema.parse(status);
    const { issues } = await adminGet(suite.base, '/api/issues?limit=1000');
    const failing = issues.find((i: { title: string }) => i.title === 'db check failed');
    expect(failing).toMatchObject({
      type: 'health_check',
      kind: 'db_down',
      severity: 'critical',
      count: 1,
      service: 'payments',
    });
    // The reported failure is settled at once; the reported success waits out its verification window.
    expect(status.totalFixes).toBe(1);
    expect(status.fixSuccessRate).toBe(0);
    expect(status.criticalIssues).toBeGreaterThanOrEqual(1);
    expect(status.agentsOnline).toBeGreaterThanOrEqual(3);
    expect(status.agentsCount).toBe(status.agentsOnline);
    expect(status.errorRatePerMinute).toBeGreaterThan(0);
    expect(status.recentReports.length).toBeGreaterThan(0);
    expect(Array.isArray(status.recentDecisions)).toBe(true);
    expect(status.errorPatterns[0].count).toBeGreaterThanOrEqual(status.errorPatterns.at(-1).count);
    expect(typeof status.uptime).toBe('number');
    const { agents } = agentListSchema.parse(await adminGet(suite.base, '/api/agents'));
    const payments = agents.find((a) => a.service === 'payments');
    healthSchema.parse(await (await fetch(`${suite.base}/api/health`)).json());
    expect(payments).toMatchObject({
      agent: 'backend',
      hostname: 'pay-1',
      healthy: false,
      online: true,
    });
    const healthyBefore = status.servicesHealthy;

    await report(suite.base, {
      agent: 'backend',
      service: 'payments',
      hostname: 'pay-1',
      events: [
        event({
          type: 'health_check',
          message: undefined,
          stack: undefined,
          data: { check: 'db', status: 'pass' },
        }),
      ],
    });
    const later = await adminGet(suite.base, '/api/status');
    expect(later.servicesHealthy).toBe(healthyBefore + 1);
  });

  it('exposes exactly what it counted in the Prometheus text format', async () => {
    const metrics = async () => {
      const res = await fetch(`${suite.base}/metrics`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      return (series: string) => {
        const escaped = series.replace(/[{}"]/g, (c) => `\\${c}`);
        return Number(text.match(new RegExp(`^${escaped} (\\d+)$`, 'm'))?.[1] ?? 0);
      };
    };
    const before = await metrics();
    const fresh = event({ message: `metrics probe ${word()}` });
    const sent = [fresh, event({ message: `metrics probe ${word()}` })];
    await report(suite.base, { agent: 'frontend', events: sent });
    await report(suite.base, { agent: 'frontend', events: [fresh] });
    const backend = event({ message: `metrics probe ${word()}` });
    await report(suite.base, { agent: 'backend', service: 'm', events: [backend] });
    const after = await metrics();
    const delta = (series: string) => after(series) - before(series);
    expect(delta('selfheal_events_ingested_total{agent="frontend"}')).toBe(2);
    expect(delta('selfheal_events_ingested_total{agent="backend"}')).toBe(1);
    expect(delta('selfheal_events_duplicate_total')).toBe(1);
    expect(delta('selfheal_reports_total{agent="frontend"}')).toBe(2);
    expect(delta('selfheal_reports_total{agent="backend"}')).toBe(1);
    expect(delta('selfheal_issues_created_total')).toBe(3);
    expect(delta('selfheal_ingest_duration_seconds_count')).toBe(3);
    expect(delta('selfheal_issues')).toBe(3);
  });

  it('documents every route in its OpenAPI document', async () => {
    const doc = (await (await fetch(`${suite.base}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/report',
        '/api/status',
        '/api/health',
        '/api/issues',
        '/api/issues/{fingerprint}',
        '/api/agents',
        '/metrics',
        '/ws/dashboard',
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Report', 'Event', 'ReportAck', 'Status', 'Issue', 'Problem']),
    );
  });

  it('keeps everything across a restart on the same store', async () => {
    const before = await adminGet(suite.base, '/api/issues');
    const kept = event();
    await report(suite.base, { agent: 'frontend', events: [kept] });
    const counted = await adminGet(suite.base, '/api/status');
    await suite.collector.close();
    Object.assign(suite, await startCollector(suite.target));
    const after = await adminGet(suite.base, '/api/status');
    expect(after.totalErrors).toBe(counted.totalErrors);
    expect((await adminGet(suite.base, '/api/issues')).issues.length).toBe(before.issues.length);
    const resent = await (await report(suite.base, { agent: 'frontend', events: [kept] })).json();
    expect(resent).toEqual({ accepted: 0, duplicates: 1 });
  });
});
