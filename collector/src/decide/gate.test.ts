import { RISK_LEVELS, STRATEGIES, type StrategyName } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { evidenceFor } from './evidence.js';
import { DEFAULT_POLICY, record } from './fixtures.js';
import { autoApplyVerdict, gateConfidence, UNPROVEN_CEILING } from './gate.js';

const issue = { fingerprint: 'fp-1', kind: 'api_down' };
const none = new Set<StrategyName>();

describe('the gating confidence', () => {
  it('never lets a claim lift an unproven moderate or disruptive action to the threshold', () => {
    const flat = evidenceFor([], issue, 'restart_service');
    for (const claim of [0.8, 0.99, 1, 7]) {
      expect(gateConfidence(flat, 'disruptive', claim)).toBe(UNPROVEN_CEILING.disruptive);
      expect(gateConfidence(flat, 'moderate', claim)).toBe(UNPROVEN_CEILING.moderate);
    }
    expect(gateConfidence(flat, 'disruptive', Number.NaN)).toBe(0);
    expect(gateConfidence(flat, 'disruptive', Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('keeps a disruptive action below the threshold on kind evidence alone, however much', () => {
    const kindOnly = evidenceFor(
      [record('kind', 'api_down', 'restart_service', 1_000_000)],
      issue,
      'restart_service',
    );
    expect(gateConfidence(kindOnly, 'disruptive', 1)).toBeLessThan(0.8);
  });

  it('lets measured fingerprint successes carry a disruptive action over the threshold', () => {
    const proven = evidenceFor(
      [record('fingerprint', 'fp-1', 'restart_service', 25)],
      issue,
      'restart_service',
    );
    expect(gateConfidence(proven, 'disruptive', 1)).toBeGreaterThanOrEqual(0.8);
    // A model doubting a proven action lowers the gate: a claim can only lower it.
    expect(gateConfidence(proven, 'disruptive', 0.4)).toBe(0.4);
  });

  it('trusts a safe action on a claim only while its record is not against it', () => {
    const flat = evidenceFor([], issue, 'reconnect_database');
    expect(gateConfidence(flat, 'safe', 0.95)).toBe(0.9);
    expect(gateConfidence(flat, 'safe', 0.7)).toBe(0.7);
    const failing = evidenceFor(
      [record('fingerprint', 'fp-1', 'reconnect_database', 1, 3)],
      issue,
      'reconnect_database',
    );
    expect(gateConfidence(failing, 'safe', 1)).toBeLessThan(0.3);
  });

  it('is monotone in the claim and bounded by 0 and 1 for every risk class', () => {
    const evidence = evidenceFor(
      [record('fingerprint', 'fp-1', 'scale_out', 3, 1)],
      issue,
      'scale_out',
    );
    for (const risk of RISK_LEVELS) {
      let previous = -1;
      for (let claim = 0; claim <= 1; claim += 0.05) {
        const gate = gateConfidence(evidence, risk, claim);
        expect(gate).toBeGreaterThanOrEqual(previous);
        expect(gate).toBeGreaterThanOrEqual(0);
        expect(gate).toBeLessThanOrEqual(1);
        previous = gate;
      }
    }
  });
});

describe('the auto-apply verdict', () => {
  const verdict = (
    strategy: StrategyName,
    confidence: number,
    patch: Partial<typeof DEFAULT_POLICY> = {},
    blocked = none,
  ) =>
    autoApplyVerdict(
      strategy,
      STRATEGIES[strategy].targets[0] ?? 'page',
      confidence,
      { ...DEFAULT_POLICY, ...patch },
      blocked,
    );

  it('applies a confident, allowed, unblocked action', () => {
    expect(verdict('retry_request', 0.85)).toEqual({ autoApply: true, reasons: [] });
  });

  it('says each reason it refuses', () => {
    expect(verdict('retry_request', 0.79).reasons).toEqual([
      'confidence 0.79 is below the auto-apply threshold 0.8',
    ]);
    expect(verdict('restart_service', 0.95).reasons).toEqual([
      'risk disruptive exceeds the allowed moderate',
    ]);
    expect(verdict('restart_service', 0.95, { maxRisk: 'disruptive' }).autoApply).toBe(true);
    expect(verdict('retry_request', 0.95, { dryRun: true }).reasons).toEqual([
      'dry run: decided and recorded, never dispatched',
    ]);
    expect(verdict('retry_request', 0.95, {}, new Set(['retry_request'])).reasons).toEqual([
      'retry_request is blocked for this fingerprint',
    ]);
    expect(verdict('notify_admin', 1).autoApply).toBe(false);
    expect(verdict('report_only', 1).autoApply).toBe(false);
  });

  it('refuses a NaN confidence', () => {
    expect(verdict('retry_request', Number.NaN).autoApply).toBe(false);
  });
});
