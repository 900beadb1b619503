import type { Decision, Issue } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { applyUpdate, EMPTY, staleAfter } from './data.js';

const issue = (fingerprint: string, count: number): Issue => ({
  fingerprint,
  type: 'error',
  kind: 'type_error',
  severity: 'high',
  title: `fault ${fingerprint}`,
  count,
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  service: null,
  services: [],
  url: null,
});

const decision = (id: string, status: Decision['status'], createdAt: string): Decision => ({
  id,
  project: 'default',
  fingerprint: 'fp',
  kind: 'type_error',
  target: 'page',
  service: null,
  strategy: 'reload_page',
  params: {},
  source: 'rules',
  confidence: 0.5,
  riskLevel: 'safe',
  reasoning: 'why',
  estimatedImpact: '',
  rollbackPlan: '',
  developerFix: null,
  notes: [],
  autoApplied: false,
  status,
  createdAt,
  updatedAt: createdAt,
  expiresAt: createdAt,
});

describe('live updates', () => {
  it('adds a new issue and moves a counted one up, most frequent first', () => {
    let data = { ...EMPTY, issues: [issue('a', 5), issue('b', 3)] };
    data = applyUpdate(data, {
      type: 'issue',
      project: 'default',
      issue: issue('c', 1),
      isNew: true,
    });
    data = applyUpdate(data, {
      type: 'issue',
      project: 'default',
      issue: issue('b', 9),
      isNew: false,
    });
    expect(data.issues.map((i) => [i.fingerprint, i.count])).toEqual([
      ['b', 9],
      ['a', 5],
      ['c', 1],
    ]);
  });

  it('replaces a decision by id when its status changes, newest first', () => {
    const old = decision('d1', 'pending', '2026-01-01T00:00:00.000Z');
    let data = { ...EMPTY, decisions: [old] };
    const newer = decision('d2', 'dispatched', '2026-01-02T00:00:00.000Z');
    data = applyUpdate(data, { type: 'decision', project: 'default', decision: newer });
    data = applyUpdate(data, {
      type: 'decision',
      project: 'default',
      decision: { ...old, status: 'rejected' },
    });
    expect(data.decisions.map((d) => [d.id, d.status])).toEqual([
      ['d2', 'dispatched'],
      ['d1', 'rejected'],
    ]);
  });

  it('reads again what an update makes stale, and nothing for a greeting', () => {
    expect(staleAfter({ type: 'report', project: 'default', report: {} as never })).toContain(
      'agents',
    );
    expect(staleAfter({ type: 'decision', project: 'default', decision: {} as never })).toContain(
      'fixes',
    );
    expect(staleAfter({ type: 'hello', protocolVersion: 1, instance: 'x' })).toEqual([]);
  });
});
