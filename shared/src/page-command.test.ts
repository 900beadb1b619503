import { describe, expect, it } from 'vitest';
import { toPageCommand } from './page-command.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const command = (overrides: Record<string, unknown> = {}) => ({
  type: 'command',
  protocolVersion: 1,
  id: 'c1',
  decisionId: 'd1',
  project: 'default',
  fingerprint: 'abcdef0123456789',
  target: 'page',
  service: null,
  strategy: 'reload_page',
  params: {},
  issuedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T00:05:00.000Z',
  ...overrides,
});

describe('toPageCommand', () => {
  it('accepts a well-formed page command', () => {
    expect(toPageCommand(command(), now)).toEqual({
      ok: true,
      command: {
        id: 'c1',
        decisionId: 'd1',
        fingerprint: 'abcdef0123456789',
        strategy: 'reload_page',
        params: {},
        expiresAt: Date.parse('2026-01-01T00:05:00.000Z'),
      },
    });
  });

  it.each([
    ['a string', 'reload'],
    ['another type', command({ type: 'decision' })],
    ['another target', command({ target: 'service' })],
    ['a service strategy', command({ strategy: 'restart_service' })],
    ['an unknown strategy', command({ strategy: 'rm_rf' })],
    ['an unknown parameter', command({ params: { evil: true } })],
    [
      'a parameter of the wrong type',
      command({ strategy: 'clear_cache', params: { cacheName: 1 } }),
    ],
    ['an expired command', command({ expiresAt: '2025-12-31T23:59:59.000Z' })],
    ['a fingerprint with markup', command({ fingerprint: '<img src=x>' })],
    ['no id', command({ id: '' })],
  ])('refuses %s', (_name, value) => {
    expect(toPageCommand(value, now).ok).toBe(false);
  });
});
