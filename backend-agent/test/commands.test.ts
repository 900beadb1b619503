import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../collector/src/decide/fixtures.js';
import { createOpenAiModel } from '../../collector/src/decide/openai.js';
import { settle, testClock } from '../../collector/test/decide-helpers.js';
import { type FakeOpenAi, startFakeOpenAi } from '../../collector/test/fake-openai.js';
import { ADMIN, collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import { checkFingerprint } from '../src/events.js';
import { freePort, packageDir } from './sidecar-process.js';
import { adminGet, storedOutcome, waitFor } from './support.js';

interface Decision {
  id: string;
  status: string;
  strategy: string;
  params: Record<string, unknown>;
}

/** Runs the command fixture and starts it again whenever it exits with 75, as a supervisor would. */
function supervise(env: Record<string, string>) {
  const state = {
    starts: 0,
    exits: [] as Array<number | null>,
    child: null as ChildProcess | null,
    stopped: false,
    output: '',
  };
  const launch = () => {
    state.starts += 1;
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--conditions=@selfheal/source',
        '--import',
        'tsx',
        'test/fixtures/command-service.ts',
      ],
      {
        cwd: packageDir,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (c) => (state.output += c));
    child.stderr?.on('data', (c) => (state.output += c));
    child.once('exit', (code) => {
      state.exits.push(code);
      if (!state.stopped && code === 75) launch();
    });
    state.child = child;
  };
  launch();
  return state;
}

describe.each(STORES)('commands from the collector, collector on $name', (store) => {
  let model: FakeOpenAi;
  let dir: string;
  beforeAll(async () => {
    model = await startFakeOpenAi({ status: 503 });
    dir = mkdtempSync(join(tmpdir(), 'selfheal-commands-'));
  });
  const clock = testClock();
  const suite = collectorPerSuite(store.create, {}, () => ({
    clock,
    model: createOpenAiModel({
      apiKey: 'test',
      baseURL: model.baseURL,
      timeoutMs: 5_000,
      maxRetries: 0,
    }),
  }));
  let service: ReturnType<typeof supervise>;
  let port: number;
  const name = `payments-${store.name}`;

  // The collector starts in the beforeAll registered above; the service needs its URL.
  beforeAll(async () => {
    port = await freePort();
    service = supervise({
      PORT: String(port),
      SERVICE_NAME: name,
      COLLECTOR_URL: suite.base,
      SELFHEAL_AGENT_KEY: await serviceKey(suite.base, name),
      STATE_FILE: join(dir, 'state.json'),
    });
    await waitFor('the service', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
  });
  afterAll(async () => {
    if (service) {
      service.stopped = true;
      service.child?.kill('SIGKILL');
    }
    await model?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The decision for `fingerprint`, approved if it waits for a person. */
  async function decided(fingerprint: string): Promise<Decision> {
    const decision = await waitFor(`a decision for ${fingerprint}`, async () => {
      const { decisions } = await adminGet<{ decisions: Decision[] }>(
        suite.base,
        `/api/decisions?fingerprint=${fingerprint}`,
      );
      return decisions[0];
    });
    if (decision.status === 'pending') {
      const res = await fetch(`${suite.base}/api/decisions/${decision.id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(res.status).toBe(200);
    }
    return decision;
  }

  it('garbage_collection: delivered, acknowledged, run with global.gc, verified and stored', async () => {
    const fingerprint = checkFingerprint('high_memory', name, 'heap');
    await fetch(`http://127.0.0.1:${port}/leak`, { method: 'POST' });
    const decision = await decided(fingerprint);
    expect(decision.strategy).toBe('garbage_collection');
    const outcome = await storedOutcome(
      suite.base,
      fingerprint,
      (d) => typeof d.commandId === 'string',
    );
    expect(outcome.data).toMatchObject({
      strategy: 'garbage_collection',
      success: true,
      verifiedBy: 'heap',
      local: false,
      decisionId: decision.id,
    });
    expect(String(outcome.data?.detail)).toMatch(/heap .* MB → .* MB/);
    // The fault stayed away through the verification window: the collector counts a success.
    await settle(suite.collector);
    clock.advance(61_000);
    await settle(suite.collector);
    const { decisions } = await adminGet<{ decisions: Decision[] }>(
      suite.base,
      `/api/decisions?fingerprint=${fingerprint}`,
    );
    expect(decisions.find((d) => d.id === decision.id)?.status).toBe('succeeded');
  });

  it('custom: the fix the model chose by name runs and its outcome is stored', async () => {
    model.setScenario({
      content: answer({
        strategy: 'custom',
        target: 'service',
        params: {
          baseDelayMs: null,
          cacheName: null,
          graceMs: null,
          maxAttempts: null,
          name: 'flush_sessions',
          replicas: null,
          src: null,
        },
        confidence: 0.95,
        reasoning: 'Corrupt session entries: drop them.',
      }),
    });
    const fingerprint = checkFingerprint('cache_down', name, 'sessions');
    await fetch(`http://127.0.0.1:${port}/poison`, { method: 'POST' });
    const decision = await decided(fingerprint);
    expect(decision).toMatchObject({ strategy: 'custom', params: { name: 'flush_sessions' } });
    const outcome = await storedOutcome(
      suite.base,
      fingerprint,
      (d) => typeof d.commandId === 'string',
    );
    expect(outcome.data).toMatchObject({
      strategy: 'custom',
      customName: 'flush_sessions',
      success: true,
      verifiedBy: 'sessions',
      detail: 'dropped the corrupt sessions',
    });
    model.setScenario({ status: 503 });
  });

  it('restart_service: the service drains and exits 75, the supervisor starts it, the new process verifies and reports', async () => {
    const fingerprint = checkFingerprint('api_down', name, 'api');
    await fetch(`http://127.0.0.1:${port}/wedge`, { method: 'POST' });
    const decision = await decided(fingerprint);
    expect(decision.strategy).toBe('restart_service');
    const outcome = await storedOutcome(
      suite.base,
      fingerprint,
      (d) => typeof d.commandId === 'string',
    );
    expect(outcome.data).toMatchObject({
      strategy: 'restart_service',
      success: true,
      verifiedBy: 'api',
      local: false,
    });
    expect(service.exits).toEqual([75]);
    expect(service.starts).toBe(2);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it('acknowledged every command it ran', async () => {
    const res = await fetch(`${suite.base}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const text = await res.text();
    const count = (event: string) =>
      Number(
        text.match(
          new RegExp(`selfheal_commands_total\\{[^}]*event="${event}"[^}]*\\} (\\d+)`),
        )?.[1] ?? 0,
      );
    // A second decision for a fault that was being fixed may be refused (restart backoff).
    expect(count('acknowledged')).toBeGreaterThanOrEqual(3);
  });
});
