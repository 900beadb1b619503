import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '@selfheal/shared/protocol';
import { describe, expect, it } from 'vitest';
import { BackendAgent } from './agent.js';
import type { Check, CheckResult } from './check.js';
import { checkFingerprint } from './events.js';
import { writeState } from './state.js';

function command(patch: Partial<Command> = {}): Command {
  const now = Date.now();
  return {
    type: 'command',
    protocolVersion: 1,
    id: `cmd-${Math.random()}`,
    decisionId: 'd-1',
    project: 'default',
    fingerprint: 'f',
    target: 'service',
    service: 'orders',
    strategy: 'custom',
    params: { name: 'flush' },
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 60_000).toISOString(),
    ...patch,
  };
}

function agentWith(
  check: Check,
  autoFix = true,
  stateFile = join(tmpdir(), `selfheal-agent-test-${Math.random()}.json`),
) {
  let flushes = 0;
  const agent = new BackendAgent({
    serviceName: 'orders',
    builtins: false,
    autoFix,
    checks: [check],
    playbook: { db_down: [] },
    fixes: {
      reconnect_database: () => {
        flushes += 1;
      },
      custom: {
        flush: () => {
          flushes += 1;
        },
      },
    },
    verifyTimeoutMs: 50,
    stateFile,
    env: {},
  });
  return { agent, flushes: () => flushes };
}

const passing: Check & { result: CheckResult } = {
  name: 'db',
  kind: 'db_down',
  result: { status: 'pass' },
  run() {
    return this.result;
  },
};

describe('commands the agent refuses', () => {
  it.each([
    [{ target: 'page' as const }, 'a page command is not for a backend agent'],
    [{ service: 'billing' }, 'the command is for service "billing"'],
    [{ protocolVersion: 2 }, 'protocol version 2 is newer'],
    [{ expiresAt: new Date(Date.now() - 1_000).toISOString() }, 'expired'],
    [{ params: { name: 'nope' } }, 'no custom fix named "nope"'],
    [{ params: {} }, 'custom needs "name"'],
    [{ strategy: 'scale_out' as const, params: {} }, 'scale_out is not configured'],
    [
      { strategy: 'restart_service' as const, params: { graceMs: -1 } },
      'graceMs must be at least 0',
    ],
  ])('%j', async (patch, reason) => {
    const { agent, flushes } = agentWith(passing);
    const result = await agent.execute(command(patch));
    expect(result.accepted).toBe(false);
    expect(result.reason).toContain(reason);
    expect(flushes()).toBe(0);
  });

  it('refuses everything while auto-fix is off', async () => {
    const { agent } = agentWith(passing, false);
    expect(await agent.execute(command())).toMatchObject({
      accepted: false,
      reason: 'auto-fix is off on this agent',
    });
  });
});

describe('commands the agent carries out', () => {
  it('runs a custom fix by name and verifies every check when the fingerprint names none', async () => {
    const { agent, flushes } = agentWith(passing);
    expect(await agent.execute(command())).toMatchObject({ accepted: true, success: true });
    expect(flushes()).toBe(1);
  });

  it('does not run a fix again within its cooldown, but confirms with the check that the fault is gone', async () => {
    const { agent, flushes } = agentWith(passing);
    await agent.runChecks();
    const fingerprint = agent.status().checks[0]?.fingerprint as string;
    const reconnect = command({ strategy: 'reconnect_database', params: {}, fingerprint });
    expect(await agent.execute(reconnect)).toMatchObject({ accepted: true, success: true });
    expect(flushes()).toBe(1);
    const again = await agent.execute({ ...reconnect, id: 'cmd-again' });
    expect(again).toMatchObject({ accepted: true, success: true });
    expect(again.reason).toMatch(/not run again \(cooling down.*the check passes/);
    expect(flushes()).toBe(1);
  });

  it('answers a command about a fault its own fix already healed without running it', async () => {
    const { agent, flushes } = agentWith(passing);
    await agent.runChecks();
    const fingerprint = agent.status().checks[0]?.fingerprint as string;
    const reconnect = command({ strategy: 'reconnect_database', params: {}, fingerprint });
    expect(await agent.execute(reconnect)).toMatchObject({ accepted: true, success: true });
    expect(flushes()).toBe(1);
    // Decided on the same fault before the reconnect worked: another strategy, arriving late.
    const late = await agent.execute(command({ fingerprint }));
    expect(late).toMatchObject({ accepted: true, success: true });
    expect(late.reason).toMatch(/already fixed by reconnect_database .*custom not run/);
    expect(flushes()).toBe(1);
  });

  it('after its own restart healed a fault, answers a command about it without running it', async () => {
    const stateFile = join(tmpdir(), `selfheal-agent-test-${Math.random()}.json`);
    const fingerprint = checkFingerprint('db_down', 'orders', 'db');
    writeState(stateFile, {
      restart: { restarts: 1, lastRestartAt: Date.now() },
      pending: { strategy: 'restart_service', fingerprint, check: 'db', local: true, startedAt: 0 },
    });
    const { agent, flushes } = agentWith(passing, true, stateFile);
    agent.start();
    try {
      // Arrives while the new process still verifies the restart: it waits for that first.
      const late = await agent.execute(command({ fingerprint }));
      expect(late.reason).toMatch(/already fixed by restart_service .*custom not run/);
      expect(flushes()).toBe(0);
    } finally {
      await agent.stop(100);
    }
  });

  it('runs a late command when the fault is back, however recently it was fixed', async () => {
    const flapping: Check & { result: CheckResult } = { ...passing, result: { status: 'pass' } };
    const { agent, flushes } = agentWith(flapping);
    await agent.runChecks();
    const fingerprint = agent.status().checks[0]?.fingerprint as string;
    await agent.execute(command({ strategy: 'reconnect_database', params: {}, fingerprint }));
    flapping.result = { status: 'fail', message: 'refused' };
    const late = await agent.execute(command({ fingerprint }));
    expect(late.reason).not.toMatch(/already fixed/);
    expect(flushes()).toBe(2);
  });

  it('reports a fix that ran but left the check failing as a failure', async () => {
    const failing: Check = {
      name: 'db',
      kind: 'db_down',
      run: () => ({ status: 'fail', message: 'refused' }),
    };
    const { agent, flushes } = agentWith(failing);
    await agent.runChecks();
    const fingerprint = agent.status().checks[0]?.fingerprint as string;
    const result = await agent.execute(
      command({ strategy: 'reconnect_database', params: {}, fingerprint }),
    );
    expect(result).toMatchObject({ accepted: true, success: false });
    expect(result.reason).toContain('db still fail: refused');
    expect(flushes()).toBe(1);
  });
});

describe('start period', () => {
  it('does not count failures while the service comes up, then does', async () => {
    const failing: Check = {
      name: 'api',
      kind: 'api_down',
      run: () => ({ status: 'fail', message: 'starting' }),
    };
    const agent = new BackendAgent({
      serviceName: 'slow-start',
      builtins: false,
      checks: [failing],
      failureThreshold: 1,
      autoFix: false,
      checkInterval: 60,
      env: {},
    });
    agent.startPeriod(300);
    await agent.runChecks();
    expect(agent.status().checks[0]).toMatchObject({
      status: 'fail',
      failuresInRow: 0,
      failing: false,
    });
    await new Promise((r) => setTimeout(r, 350));
    await agent.runChecks();
    expect(agent.status().checks[0]).toMatchObject({ failuresInRow: 1, failing: true });
  });
});

describe('what the agent says', () => {
  const quietAgent = (lines: string[], extra: Record<string, unknown> = {}) =>
    new BackendAgent({
      serviceName: 'orders',
      builtins: false,
      checks: [passing],
      fixes: { reconnect_database: () => {} },
      verifyTimeoutMs: 50,
      stateFile: join(tmpdir(), `selfheal-agent-test-${Math.random()}.json`),
      onLog: (line) => lines.push(line),
      env: {},
      ...extra,
    });

  it('says at start what it watches and that, with no key, it reports nowhere, once', async () => {
    const lines: string[] = [];
    const agent = quietAgent(lines).start();
    try {
      expect(agent.settings.collectorUrl).toBe('http://127.0.0.1:8787');
      expect(lines.filter((l) => l.includes('no service key'))).toHaveLength(1);
      expect(lines.find((l) => l.includes('watching orders'))).toMatch(
        /watching orders: db every 30 s; fixes on its own \(.*reconnect_database.*\); reports nowhere until it has a service key/,
      );
    } finally {
      await agent.stop(100);
    }
  });

  it('says once that it cannot reach the collector, not on every attempt', async () => {
    const lines: string[] = [];
    const agent = quietAgent(lines, {
      collectorUrl: 'http://127.0.0.1:1',
      agentKey: 'shs_unreachable',
      commands: false,
    }).start();
    try {
      agent.captureError(new Error('one'));
      await agent.flush();
      agent.captureError(new Error('two'));
      await agent.flush();
      const told = lines.filter((l) =>
        l.includes('cannot reach the collector at http://127.0.0.1:1'),
      );
      expect(told).toHaveLength(1);
      expect(told[0]).toContain('ECONNREFUSED');
    } finally {
      await agent.stop(100);
    }
  });

  it('says each fix it ran and whether it worked', async () => {
    const lines: string[] = [];
    const agent = quietAgent(lines);
    await agent.runChecks();
    const fingerprint = agent.status().checks[0]?.fingerprint as string;
    await agent.execute(command({ strategy: 'reconnect_database', params: {}, fingerprint }));
    expect(lines.find((l) => l.includes('reconnect_database worked'))).toContain(
      `db_down (${fingerprint})`,
    );
  });
});
