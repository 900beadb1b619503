import { describe, expect, it } from 'vitest';
import { defaultDecisionConfig, fromEnv } from './config.js';

describe('decision settings from the environment', () => {
  it('defaults to the documented values', () => {
    expect(fromEnv({}).decisions).toEqual(defaultDecisionConfig);
    expect(defaultDecisionConfig).toMatchObject({
      autoApplyThreshold: 0.8,
      autoApplyMaxRisk: 'moderate',
      dryRun: false,
      verifyWindowMs: 60_000,
    });
  });

  it('reads every decision variable, times in seconds', () => {
    const { decisions } = fromEnv({
      AUTO_APPLY_THRESHOLD: '0.9',
      AUTO_APPLY_MAX_RISK: 'safe',
      DRY_RUN: 'true',
      VERIFY_WINDOW: '30',
      LLM_MAX_CALLS_PER_HOUR: '10',
      LLM_MAX_CALLS_PER_MINUTE: '5',
      MAX_NEW_DECISIONS_PER_MINUTE: '7',
      ESCALATION_BATCH_WINDOW: '30',
      ESCALATION_WEBHOOK_URL: 'https://hooks.example.com/T000/B000',
      PERSISTENT_THRESHOLD: '3',
      PERSISTENT_WINDOW: '120',
      DECISION_TTL: '600',
    });
    expect(decisions).toEqual({
      autoApplyThreshold: 0.9,
      autoApplyMaxRisk: 'safe',
      dryRun: true,
      verifyWindowMs: 30_000,
      llmMaxCallsPerHour: 10,
      llmMaxCallsPerMinute: 5,
      maxNewDecisionsPerMinute: 7,
      escalationBatchMs: 30_000,
      escalationWebhookUrl: 'https://hooks.example.com/T000/B000',
      persistentThreshold: 3,
      persistentWindowMs: 120_000,
      decisionTtlMs: 600_000,
    });
  });

  it('names each bad value', () => {
    expect(() => fromEnv({ AUTO_APPLY_THRESHOLD: '2' })).toThrow(/AUTO_APPLY_THRESHOLD/);
    expect(() => fromEnv({ AUTO_APPLY_MAX_RISK: 'reckless' })).toThrow(/AUTO_APPLY_MAX_RISK/);
    expect(() => fromEnv({ ESCALATION_WEBHOOK_URL: 'not a url' })).toThrow(
      /ESCALATION_WEBHOOK_URL/,
    );
  });
});
