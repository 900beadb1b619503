import { describe, expect, it } from 'vitest';
import { BackendAgent } from './agent.js';
import { ConfigError, resolveSettings } from './config.js';

describe('settings', () => {
  it('reads the environment names the original system used', () => {
    const settings = resolveSettings(
      {},
      {
        SERVICE_NAME: 'orders',
        ORCHESTRATOR_URL: 'http://127.0.0.1:8787/',
        SELFHEAL_AGENT_KEY: 'shs_k',
        CHECK_INTERVAL: '15',
        AUTO_FIX_ENABLED: 'false',
      },
    );
    expect(settings).toMatchObject({
      serviceName: 'orders',
      collectorUrl: 'http://127.0.0.1:8787',
      agentKey: 'shs_k',
      keyWarning: null,
      checkInterval: 15,
      autoFix: false,
    });
    expect(
      resolveSettings(
        {},
        { SERVICE_NAME: 'a', COLLECTOR_URL: 'https://c.example', SELFHEAL_AGENT_KEY: 'shs_k' },
      ).collectorUrl,
    ).toBe('https://c.example');
  });

  it('defaults to a 30 s interval with auto-fix on, and options win over the environment', () => {
    expect(resolveSettings({ serviceName: 'a' }, {})).toMatchObject({
      checkInterval: 30,
      autoFix: true,
      collectorUrl: 'http://127.0.0.1:8787',
      agentKey: null,
    });
    expect(
      resolveSettings(
        { serviceName: 'b', checkInterval: 2, autoFix: true },
        { SERVICE_NAME: 'x', CHECK_INTERVAL: '9', AUTO_FIX_ENABLED: 'no' },
      ),
    ).toMatchObject({
      serviceName: 'b',
      checkInterval: 2,
      autoFix: true,
    });
  });

  it.each([
    [{}, {}, 'serviceName is required'],
    [
      {},
      { SERVICE_NAME: 'a', CHECK_INTERVAL: 'often' },
      'CHECK_INTERVAL must be a positive number',
    ],
    [{}, { SERVICE_NAME: 'a', CHECK_INTERVAL: '0' }, 'CHECK_INTERVAL must be a positive number'],
    [
      {},
      { SERVICE_NAME: 'a', AUTO_FIX_ENABLED: 'maybe' },
      'AUTO_FIX_ENABLED must be true or false',
    ],
    [
      {},
      { SERVICE_NAME: 'a', ORCHESTRATOR_URL: 'ftp://x' },
      'ORCHESTRATOR_URL must be an http(s) URL',
    ],
    [{ serviceName: 'a', collectorUrl: 'http://127.0.0.1:1' }, {}, 'a service key is required'],
    [{ serviceName: 'bad name with spaces' }, {}, 'serviceName must be'],
    [
      { serviceName: 'a', checkInterval: Number.NaN },
      {},
      'checkInterval must be a positive number',
    ],
  ])('refuses %j %j at construction', (options, env, message) => {
    expect(() => new BackendAgent({ ...options, env })).toThrow(ConfigError);
    expect(() => new BackendAgent({ ...options, env })).toThrow(message);
  });
});
