import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendAgent } from './agent.js';
import { ConfigError, resolveSettings } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'selfheal-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keyFile = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o600);
  return path;
};
const url = 'http://127.0.0.1:8787';

describe('the agent key', () => {
  it('comes from the option, the option file, SELFHEAL_AGENT_KEY, then SELFHEAL_AGENT_KEY_FILE', () => {
    const file = keyFile('a.key', '  shs_from-file\r\n');
    const envFile = keyFile('b.key', 'shs_from-env-file\n');
    const env = { SELFHEAL_AGENT_KEY: 'shs_from-env', SELFHEAL_AGENT_KEY_FILE: envFile };
    const key = (input: object, from: Record<string, string>) =>
      resolveSettings({ serviceName: 'orders', collectorUrl: url, ...input }, from).agentKey;
    expect(key({ agentKey: 'shs_option', agentKeyFile: file }, env)).toBe('shs_option');
    expect(key({ agentKeyFile: file }, env)).toBe('shs_from-file');
    expect(key({}, env)).toBe('shs_from-env');
    expect(key({}, { SELFHEAL_AGENT_KEY_FILE: envFile })).toBe('shs_from-env-file');
    // A service key beside the old PROJECT_KEY wins, with nothing to warn about.
    const settings = resolveSettings(
      { serviceName: 'orders', collectorUrl: url },
      { SELFHEAL_AGENT_KEY: 'shs_x', PROJECT_KEY: 'shp_y' },
    );
    expect(settings).toMatchObject({ agentKey: 'shs_x', keyWarning: null });
  });

  it('with PROJECT_KEY only, sends it but warns that a service key is needed and how to make one', () => {
    const settings = resolveSettings(
      { serviceName: 'orders', collectorUrl: url },
      { PROJECT_KEY: 'shp_public' },
    );
    expect(settings.agentKey).toBe('shp_public');
    expect(settings.keyWarning).toContain("a backend agent needs its service's key (shs_…)");
    expect(settings.keyWarning).toContain(
      'curl -X POST -H "Authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:8787/api/services/orders/keys',
    );
    expect(
      resolveSettings({ serviceName: 'orders', agentKey: 'shp_public' }, {}).keyWarning,
    ).toContain('the agent key is the project key');
  });

  it.each([
    [{ agentKeyFile: join(tmpdir(), 'selfheal-no-such-key') }, {}, 'agentKeyFile: cannot read'],
    [{}, { SELFHEAL_AGENT_KEY_FILE: 'EMPTY' }, 'SELFHEAL_AGENT_KEY_FILE:'],
    [{ agentKey: 'shs_two words' }, {}, 'agentKey must be one key without spaces'],
    [{ projectKey: 'shp_x' }, {}, 'projectKey is gone'],
  ])('refuses %j %j at construction, never echoing the key', (input, env, message) => {
    const from = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, v === 'EMPTY' ? keyFile('empty.key', ' \n') : v]),
    );
    const make = () =>
      new BackendAgent({ serviceName: 'orders', collectorUrl: url, ...input, env: from });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
    try {
      make();
    } catch (error) {
      expect(String(error)).not.toContain('words');
    }
  });
});
