import { ERROR_KINDS, type ErrorKind, type StrategyName } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { decide } from '../../collector/src/decide/engine.js';
import { DEFAULT_POLICY, issueInput, record } from '../../collector/src/decide/fixtures.js';
import { localPlan } from '../src/fix.js';

/** The collector's rules for a service issue of `kind` once each of `failed` failed for it. */
async function collectorChoice(kind: ErrorKind, failed: readonly string[]) {
  const draft = await decide(
    issueInput({
      kind,
      target: 'service',
      service: 'orders',
      trigger: failed.length > 0 ? 'fix_failed' : 'persistent',
    }),
    {
      knowledge: failed.map((strategy) =>
        record('fingerprint', 'fp-1', strategy as StrategyName, 0, 1),
      ),
      blocked: new Set(),
      policy: DEFAULT_POLICY,
    },
  );
  return draft.strategy;
}

describe('which fix for which kind', () => {
  it.each(ERROR_KINDS)(
    '%s: the agent tries on its own what the collector would choose, step by step',
    async (kind) => {
      const plan = localPlan(kind);
      for (const [step, strategy] of plan.entries()) {
        expect(await collectorChoice(kind, plan.slice(0, step))).toBe(strategy);
      }
      // With no local fix, the collector leaves the fault to a person or records it.
      if (plan.length === 0)
        expect(['notify_admin', 'report_only']).toContain(await collectorChoice(kind, []));
    },
  );

  it('scales out on high CPU only where the operator configured it; the collector asks a person first', async () => {
    expect(localPlan('high_cpu')).toEqual(['scale_out']);
    const draft = await decide(issueInput({ kind: 'high_cpu', target: 'service' }), {
      knowledge: [],
      blocked: new Set(),
      policy: DEFAULT_POLICY,
    });
    expect(draft).toMatchObject({ strategy: 'scale_out', autoApply: false });
  });

  it("keeps an operator's playbook for the kinds it names", () => {
    expect(localPlan('db_down', { db_down: [] })).toEqual([]);
    expect(localPlan('high_cpu', { db_down: [] })).toEqual(['scale_out']);
  });
});
