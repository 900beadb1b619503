import { checkParams, type ErrorKind, type FixTarget, type StrategyName } from '@selfheal/shared';
import { describe, expect, it } from 'vitest';
import { decide } from './engine.js';
import { DEFAULT_POLICY, issueInput, record } from './fixtures.js';

const none = new Set<StrategyName>();

async function rulesFor(
  kind: ErrorKind,
  target: FixTarget,
  extra: { blocked?: Set<StrategyName>; trigger?: 'fix_failed'; tried?: StrategyName } = {},
) {
  const knowledge = extra.tried ? [record('fingerprint', 'fp-1', extra.tried, 0, 1)] : [];
  return decide(issueInput({ kind, target, trigger: extra.trigger ?? 'persistent' }), {
    knowledge,
    blocked: extra.blocked ?? none,
    policy: DEFAULT_POLICY,
  });
}

describe('the built-in rules', () => {
  it.each([
    ['import_error', 'page', 'reload_page', 'page'],
    ['network_error', 'page', 'retry_request', 'page'],
    ['db_down', 'service', 'reconnect_database', 'service'],
    ['cache_down', 'service', 'reconnect_cache', 'service'],
    ['high_memory', 'service', 'garbage_collection', 'service'],
    ['api_down', 'service', 'restart_service', 'service'],
    ['syntax_error', 'page', 'report_only', 'page'],
    ['reference_error', 'page', 'notify_admin', 'collector'],
    ['unknown', 'service', 'notify_admin', 'collector'],
  ] as const)('%s on a %s → %s for the %s', async (kind, target, strategy, carrier) => {
    const draft = await rulesFor(kind, target);
    expect(draft).toMatchObject({ source: 'rules', strategy, target: carrier, llm: null });
    expect(checkParams(strategy, draft.params)).toBeUndefined();
  });

  it('gives the developer fix for import and syntax errors', async () => {
    expect((await rulesFor('import_error', 'page')).developerFix).toMatch(/type="module"/);
    expect((await rulesFor('syntax_error', 'page')).developerFix).toMatch(/syntax/);
    expect((await rulesFor('db_down', 'service')).developerFix).toBeNull();
  });

  it('reloads a page only once per fingerprint, then reports', async () => {
    const draft = await rulesFor('import_error', 'page', { tried: 'reload_page' });
    expect(draft.strategy).toBe('report_only');
    expect(draft.notes.join('\n')).toMatch(/reload_page was already tried/);
  });

  it('escalates high memory to a restart when garbage collection failed', async () => {
    const draft = await rulesFor('high_memory', 'service', {
      trigger: 'fix_failed',
      tried: 'garbage_collection',
    });
    expect(draft).toMatchObject({ strategy: 'restart_service', params: { graceMs: 10_000 } });
    const blocked = await rulesFor('high_memory', 'service', {
      blocked: new Set(['garbage_collection']),
    });
    expect(blocked.strategy).toBe('restart_service');
  });

  it('never gives a page a service fix: a service fault seen by a page goes to a person', async () => {
    const draft = await rulesFor('db_down', 'page');
    expect(draft).toMatchObject({ strategy: 'notify_admin', target: 'collector' });
    expect(draft.notes.join('\n')).toMatch(/reconnect_database does not fit a page issue/);
  });

  it('falls back to recording when every step is blocked', async () => {
    const draft = await rulesFor('api_down', 'service', {
      blocked: new Set(['restart_service', 'notify_admin']),
    });
    expect(draft).toMatchObject({ strategy: 'report_only', autoApply: false });
  });

  it('auto-applies an unproven safe rule, never an unproven moderate or disruptive one', async () => {
    const retry = await rulesFor('network_error', 'page');
    expect(retry).toMatchObject({ strategy: 'retry_request', confidence: 0.85, autoApply: true });
    for (const [kind, target] of [
      ['import_error', 'page'],
      ['api_down', 'service'],
    ] as const) {
      const draft = await rulesFor(kind, target);
      expect(draft.autoApply).toBe(false);
      expect(draft.confidence).toBeLessThan(0.8);
      expect(draft.notes.join('\n')).toMatch(/below the auto-apply threshold/);
    }
  });

  it('stops trusting a safe rule once its record is against it', async () => {
    const draft = await decide(issueInput({ kind: 'db_down', target: 'service' }), {
      knowledge: [record('fingerprint', 'fp-1', 'reconnect_database', 0, 2)],
      blocked: none,
      policy: DEFAULT_POLICY,
    });
    expect(draft.strategy).toBe('reconnect_database');
    expect(draft.confidence).toBeLessThan(0.3);
    expect(draft.autoApply).toBe(false);
  });
});
