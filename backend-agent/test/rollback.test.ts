import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import { BackendAgent, type FixContext } from '../src/index.js';
import { answered, fixEventsOf, queueRollback, storedFixEvent } from './rollback-command.js';
import { freePort, psArgs, type Sidecar, startSidecar } from './sidecar-process.js';

describe.each(STORES)('rollback commands in the library, collector on $name', (store) => {
  const suite = collectorPerSuite(store.create);
  let agent: BackendAgent;
  const undone: FixContext[] = [];
  let scaledOut = 0;
  const service = `orders-${store.name}`;
  beforeAll(async () => {
    agent = new BackendAgent({
      serviceName: service,
      collectorUrl: suite.base,
      agentKey: await serviceKey(suite.base, service),
      builtins: false,
      checks: [{ name: 'api', kind: 'api_down', run: () => ({ status: 'pass' }) }],
      batchMs: 20,
      pollWaitSeconds: 1,
      stateFile: join(tmpdir(), `selfheal-rollback-${process.pid}-${store.name}.json`),
      fixes: {
        scale_out: () => {
          scaledOut += 1;
        },
        undo: {
          scale_out: (ctx) => {
            undone.push(ctx);
            return `scaled in by ${ctx.params.replicas}`;
          },
        },
      },
      env: {},
    }).start();
  });
  afterAll(async () => {
    await agent?.stop(1_000);
  });

  it('runs the configured undo and reports it like a fix outcome, marked rollback', async () => {
    const command = await queueRollback(suite.collector, {
      service,
      strategy: 'scale_out',
      params: { replicas: 2 },
    });
    expect(await answered(suite.collector, command.id)).toMatchObject({
      status: 'acknowledged',
    });
    const outcome = await storedFixEvent(suite.collector, command.id, 'fix_outcome');
    expect(outcome.data).toMatchObject({
      strategy: 'scale_out',
      success: true,
      rollback: true,
      local: false,
      decisionId: command.decisionId,
      detail: 'scaled in by 2',
    });
    expect(undone).toHaveLength(1);
    expect(undone[0]).toMatchObject({ rollback: true, params: { replicas: 2 } });
    // The undo is not the fix: scale_out itself never ran.
    expect(scaledOut).toBe(0);
    const attempt = await storedFixEvent(suite.collector, command.id, 'fix_attempt');
    expect(attempt.data).toMatchObject({ rollback: true });
    expect(outcome.service).toBe(service);
  });

  it.each([
    ['restart_service', {}, 'restart_service cannot be undone'],
    ['garbage_collection', {}, 'garbage_collection cannot be undone'],
    ['custom', { name: 'flush' }, 'no undo configured for custom fix "flush"'],
  ] as const)('refuses to roll back %s, saying why', async (strategy, params, reason) => {
    const command = await queueRollback(suite.collector, { service, strategy, params });
    expect(await answered(suite.collector, command.id)).toMatchObject({
      status: 'refused',
      reason,
    });
    await agent.flush();
    expect(await fixEventsOf(suite.collector, command.id)).toEqual([]);
  });
});

describe.each(STORES)('rollback commands in the sidecar, collector on $name', (store) => {
  const suite = collectorPerSuite(store.create);
  let sidecar: Sidecar;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'selfheal-rollback-'));
  });
  afterAll(async () => {
    await sidecar?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs --undo with the params in SELFHEAL_PARAMS, and refuses a rollback with no --undo', async () => {
    const service = `billing-${store.name}`;
    const port = await freePort();
    const log = join(dir, 'undo.log');
    const key = await serviceKey(suite.base, service);
    const keyFile = join(dir, 'agent.key');
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    sidecar = startSidecar(
      [
        '--service',
        service,
        '--collector',
        suite.base,
        '--agent-key-file',
        keyFile,
        '--check',
        `api:tcp=127.0.0.1:${port}`,
        '--interval',
        '60',
        '--fix',
        'scale_out=echo out >> "$UNDO_LOG"',
        '--fix',
        'custom:warm=echo warm >> "$UNDO_LOG"',
        '--undo',
        'scale_out=echo "in $SELFHEAL_ROLLBACK $SELFHEAL_PARAMS" >> "$UNDO_LOG"; echo scaled in',
      ],
      { UNDO_LOG: log },
    );
    expect(psArgs(sidecar.proc.pid)).not.toContain(key);
    const undo = await queueRollback(suite.collector, {
      service,
      strategy: 'scale_out',
      params: { replicas: 3 },
    });
    expect(await answered(suite.collector, undo.id)).toMatchObject({ status: 'acknowledged' });
    const outcome = await storedFixEvent(suite.collector, undo.id, 'fix_outcome');
    expect(outcome.data).toMatchObject({ strategy: 'scale_out', success: true, rollback: true });
    expect(outcome.data?.detail).toBe('scaled in');
    expect(readFileSync(log, 'utf8')).toBe('in 1 {"replicas":3}\n');

    const custom = await queueRollback(suite.collector, {
      service,
      strategy: 'custom',
      params: { name: 'warm' },
    });
    expect(await answered(suite.collector, custom.id)).toMatchObject({
      status: 'refused',
      reason: 'no undo configured for custom fix "warm"',
    });
    expect(readFileSync(log, 'utf8')).toBe('in 1 {"replicas":3}\n');
    expect(await sidecar.stop()).toBe(0);
  });
});

describe('sidecar --undo flags', () => {
  it('rejects an --undo for a strategy that cannot be undone (exit 2)', async () => {
    const bad = startSidecar([
      '--check',
      'http=http://127.0.0.1:1/',
      '--undo',
      'restart_service=x',
    ]);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('--undo restart_service: restart_service cannot be undone');
  });
});
