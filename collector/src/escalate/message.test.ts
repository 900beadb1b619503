import type { Decision } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { batchBody, type EscalatedDecision, webhookBody } from './message.js';

const decision = (id: string, status: Decision['status'] = 'pending'): Decision => ({
  id,
  project: 'default',
  fingerprint: `fp-${id}`,
  kind: 'api_down',
  target: 'service',
  service: 'gateway',
  strategy: 'restart_service',
  params: {},
  source: 'rules',
  confidence: 0.6,
  riskLevel: 'moderate',
  reasoning: 'the gateway stopped answering',
  estimatedImpact: 'a short outage',
  rollbackPlan: 'none',
  developerFix: null,
  notes: [],
  autoApplied: false,
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T01:00:00.000Z',
});

const fixed = (id: string, by = 'gateway'): EscalatedDecision => ({
  decision: decision(id, 'superseded'),
  title: 'gateway check failing',
  fixed: { outcomeId: `outcome-${id}`, strategy: 'restart_service', by },
});

describe('escalation messages', () => {
  it('tells a fixed fault apart from one that waits: who fixed it, how, which outcome, no review', () => {
    const body = webhookBody(fixed('d1'));
    const all = JSON.stringify(body);
    expect(body.text).toBe('selfheal: api_down was fixed on its own: gateway check failing');
    expect(all).toContain('gateway fixed it on its own with *restart_service*');
    expect(all).toContain('outcome outcome-d1');
    expect(all).toContain('Decision d1 is superseded');
    expect(all).not.toContain('/approve');
    expect(JSON.stringify(webhookBody({ decision: decision('d2'), title: 't' }))).toContain(
      '/api/decisions/d2/approve',
    );
  });

  it('counts what waits and what was fixed in one batch headline', () => {
    const open = { decision: decision('d3'), title: 'gateway check failing' };
    expect(batchBody([open, fixed('d4')]).text).toBe(
      'selfheal: 1 new issue needs a person, 1 escalated issue was fixed on its own',
    );
    expect(batchBody([fixed('d5'), fixed('d6')]).text).toBe(
      'selfheal: 2 escalated issues were fixed on their own',
    );
  });

  it('escapes the name of whoever fixed it', () => {
    const all = JSON.stringify(webhookBody(fixed('d7', '<!channel>')));
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('&lt;!channel&gt; fixed it on its own');
  });
});
