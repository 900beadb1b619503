import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendAgent, type FixContext } from '../src/index.js';
import { type FakeCollector, serviceCommand, startFakeCollector } from './fake-collector.js';
import { freePort, type Sidecar, startSidecar } from './sidecar-process.js';
import { waitFor } from './support.js';

const outcomeOf = (collector: FakeCollector, commandId: string) =>
  waitFor(`the outcome of ${commandId}`, () =>
    collector.events.find((e) => e.type === 'fix_outcome' && e.data?.commandId === commandId),
  );
const ackOf = (collector: FakeCollector, commandId: string) =>
  waitFor(`the ack of ${commandId}`, () => collector.acks.find((a) => a.commandId === commandId));

describe('rollback commands in the library', () => {
  let collector: FakeCollector;
  let agent: BackendAgent;
  const undone: FixContext[] = [];
  let scaledOut = 0;
  beforeAll(async () => {
    collector = await startFakeCollector();
    agent = new BackendAgent({
      serviceName: 'orders',
      collectorUrl: collector.base,
      projectKey: 'shp_test',
      builtins: false,
      checks: [{ name: 'api', kind: 'api_down', run: () => ({ status: 'pass' }) }],
      batchMs: 20,
      pollWaitSeconds: 1,
      stateFile: join(tmpdir(), `selfheal-rollback-${process.pid}.json`),
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
    await collector?.close();
  });

  it('runs the configured undo and reports it like a fix outcome, marked rollback', async () => {
    const command = serviceCommand('orders', { rollback: true });
    collector.queue(command);
    expect(await ackOf(collector, command.id)).toMatchObject({ accepted: true });
    const outcome = await outcomeOf(collector, command.id);
    expect(outcome.data).toMatchObject({
      strategy: 'scale_out',
      success: true,
      rollback: true,
      local: false,
      decisionId: 'decision-1',
      detail: 'scaled in by 2',
    });
    expect(undone).toHaveLength(1);
    expect(undone[0]).toMatchObject({ rollback: true, params: { replicas: 2 } });
    // The undo is not the fix: scale_out itself never ran.
    expect(scaledOut).toBe(0);
    const attempt = collector.events.find(
      (e) => e.type === 'fix_attempt' && e.data?.commandId === command.id,
    );
    expect(attempt?.data).toMatchObject({ rollback: true });
  });

  it.each([
    ['restart_service', {}, 'restart_service cannot be undone'],
    ['garbage_collection', {}, 'garbage_collection cannot be undone'],
    ['custom', { name: 'flush' }, 'no undo configured for custom fix "flush"'],
  ] as const)('refuses to roll back %s, saying why', async (strategy, params, reason) => {
    const command = serviceCommand('orders', { strategy, params, rollback: true });
    collector.queue(command);
    expect(await ackOf(collector, command.id)).toMatchObject({ accepted: false, reason });
    expect(collector.events.some((e) => e.data?.commandId === command.id)).toBe(false);
  });
});

describe('rollback commands in the sidecar', () => {
  let collector: FakeCollector;
  let sidecar: Sidecar;
  let dir: string;
  beforeAll(async () => {
    collector = await startFakeCollector();
    dir = mkdtempSync(join(tmpdir(), 'selfheal-rollback-'));
  });
  afterAll(async () => {
    await sidecar?.stop();
    await collector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs --undo with the params in SELFHEAL_PARAMS, and refuses a rollback with no --undo', async () => {
    const port = await freePort();
    const log = join(dir, 'undo.log');
    sidecar = startSidecar(
      [
        '--service',
        'billing',
        '--collector',
        collector.base,
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
      { PROJECT_KEY: 'shp_test', UNDO_LOG: log },
    );
    const undo = serviceCommand('billing', { rollback: true, params: { replicas: 3 } });
    collector.queue(undo);
    expect(await ackOf(collector, undo.id)).toMatchObject({ accepted: true });
    const outcome = await outcomeOf(collector, undo.id);
    expect(outcome.data).toMatchObject({ strategy: 'scale_out', success: true, rollback: true });
    expect(outcome.data?.detail).toBe('scaled in');
    expect(readFileSync(log, 'utf8')).toBe('in 1 {"replicas":3}\n');

    const custom = serviceCommand('billing', {
      strategy: 'custom',
      params: { name: 'warm' },
      rollback: true,
    });
    collector.queue(custom);
    expect(await ackOf(collector, custom.id)).toMatchObject({
      accepted: false,
      reason: 'no undo configured for custom fix "warm"',
    });
    expect(readFileSync(log, 'utf8')).toBe('in 1 {"replicas":3}\n');
    expect(await sidecar.stop()).toBe(0);
  });

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
