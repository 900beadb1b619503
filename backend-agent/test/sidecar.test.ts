import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorPerSuite, STORES, serviceKey } from '../../collector/test/harness.js';
import { checkFingerprint } from '../src/events.js';
import {
  freePort,
  packageDir,
  psArgs,
  type Sidecar,
  startSidecar,
  starts,
} from './sidecar-process.js';
import { issueDetail, storedOutcome, waitFor } from './support.js';

const fixture = join(packageDir, 'test/fixtures/flaky-service.mjs');

describe.each(STORES)('sidecar supervising a real process, collector on $name', (store) => {
  const suite = collectorPerSuite(store.create);
  let dir: string;
  const running: Sidecar[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'selfheal-sidecar-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function launch(service: string, extra: string[], env: Record<string, string>) {
    const port = await freePort();
    const log = join(dir, `${service}.log`);
    const key = await serviceKey(suite.base, service);
    const sidecar = startSidecar(
      [
        '--service',
        service,
        '--collector',
        suite.base,
        '--check',
        `http=http://127.0.0.1:${port}/health`,
        '--spawn',
        `exec "${process.execPath}" "${fixture}"`,
        '--interval',
        '0.2',
        '--grace',
        '2000',
        ...extra,
      ],
      { SELFHEAL_AGENT_KEY: key, PORT: String(port), START_LOG: log, ...env },
    );
    running.push(sidecar);
    expect(psArgs(sidecar.proc.pid)).not.toContain(key);
    return { sidecar, port, log, fingerprint: checkFingerprint('api_down', service, 'api') };
  }

  it('restarts a child whose health endpoint fails, within a few check intervals, and verifies it', async () => {
    const service = `worker-${store.name}`;
    const { sidecar, port, log, fingerprint } = await launch(
      service,
      ['--verify-timeout', '10000'],
      {},
    );
    await waitFor(
      'the child to serve',
      async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
    );
    expect(starts(log)).toHaveLength(1);

    const brokeAt = Date.now();
    await fetch(`http://127.0.0.1:${port}/break`, { method: 'POST' });
    await waitFor('a second start', () => starts(log).length === 2, 20_000);
    const restartedAfter = (starts(log)[1] as number) - brokeAt;
    // Three failed checks 0.2 s apart, then the restart: well under ten intervals of slack.
    expect(restartedAfter).toBeLessThan(5_000);

    const outcome = await storedOutcome(
      suite.base,
      fingerprint,
      (d) => d.strategy === 'restart_service',
    );
    expect(outcome.data).toMatchObject({
      strategy: 'restart_service',
      success: true,
      verifiedBy: 'api',
      local: true,
    });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(await sidecar.stop()).toBe(0);
  });

  it('restarts a fault that restarts cannot fix only as often as the backoff and budget allow', async () => {
    const service = `stuck-${store.name}`;
    const initial = 400;
    const max = 1_600;
    const { sidecar, log, fingerprint } = await launch(
      service,
      [
        '--threshold',
        '2',
        '--verify-timeout',
        '300',
        '--backoff-initial',
        String(initial),
        '--backoff-max',
        String(max),
      ],
      { ALWAYS_FAIL: '1' },
    );
    await waitFor('a first restart', () => starts(log).length >= 2, 20_000);
    // Long enough for more restarts than the budget (5 an hour) if nothing held them back.
    await new Promise((r) => setTimeout(r, 8_000));
    const times = starts(log);
    const restarts = times.length - 1;
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(restarts).toBeLessThanOrEqual(5);
    for (let k = 2; k < times.length; k++) {
      const gap = (times[k] as number) - (times[k - 1] as number);
      const backoff = Math.min(max, initial * 2 ** (k - 2));
      expect(gap, `gap before restart ${k}`).toBeGreaterThanOrEqual(backoff - 150);
    }
    const detail = await waitFor('the outcomes', async () => {
      const d = await issueDetail(suite.base, fingerprint);
      return d && d.events.filter((e) => e.type === 'fix_outcome').length >= restarts
        ? d
        : undefined;
    });
    const outcomes = detail.events.filter((e) => e.type === 'fix_outcome');
    expect(outcomes.every((e) => e.data?.success === false)).toBe(true);
    expect(await sidecar.stop()).toBe(0);
  });
});

describe('sidecar command line', () => {
  it('documents every flag in --help', async () => {
    const sidecar = startSidecar(['--help']);
    expect(await sidecar.exited).toBe(0);
    for (const flag of [
      '--service',
      '--collector',
      '--agent-key-file',
      '--check',
      '--fix',
      '--undo',
      '--spawn',
      '--interval',
      '--no-auto-fix',
      '--threshold',
      '--timeout',
      '--verify-timeout',
      '--grace',
      '--start-period',
      '--backoff-initial',
      '--backoff-max',
      '--budget',
      '--buffer-file',
    ]) {
      expect(sidecar.output()).toContain(flag);
    }
  });

  it.each([
    [['--service', 'x', '--chek', 'http=http://127.0.0.1:1/'], 'unknown flag --chek'],
    [['--service', 'x', '--check', 'ftp=somewhere'], '--check must be'],
    [
      ['--service', 'x', '--check', 'http=http://127.0.0.1:1/', '--interval', 'soon'],
      '--interval must be a positive number',
    ],
    [
      ['--service', 'x', '--check', 'http=http://127.0.0.1:1/', '--fix', 'reload_page=echo'],
      '--fix reload_page',
    ],
    [['--check', 'http=http://127.0.0.1:1/'], 'serviceName is required'],
    [
      ['--service', 'x', '--check', 'http=http://127.0.0.1:1/', '--project-key', 'shp_abc'],
      "--project-key is not taken: a key on the command line is visible to anyone running ps. Give the service's key (shs_…) as SELFHEAL_AGENT_KEY in the environment or in a file with --agent-key-file PATH",
    ],
    [
      ['--service', 'x', '--check', 'http=http://127.0.0.1:1/', '--agent-key=shs_abc'],
      '--agent-key is not taken',
    ],
    [
      ['--service', 'x', '--collector', 'http://127.0.0.1:1', '--check', 'tcp=127.0.0.1:1'],
      'a service key is required to report (SELFHEAL_AGENT_KEY, SELFHEAL_AGENT_KEY_FILE or the agentKey option); make one with curl -X POST',
    ],
    [
      ['--service', 'x', '--check', 'tcp=127.0.0.1:1', '--agent-key-file', '/nonexistent/key'],
      '--agent-key-file: cannot read /nonexistent/key (ENOENT)',
    ],
  ])('exits with 2 and says what is wrong for %j', async (args, message) => {
    const sidecar = startSidecar(args as string[]);
    expect(await sidecar.exited).toBe(2);
    expect(sidecar.output()).toContain(message);
  });

  it('reads a bad CHECK_INTERVAL from the environment as an error, not a default', async () => {
    const sidecar = startSidecar(['--service', 'x', '--check', 'tcp=127.0.0.1:1'], {
      CHECK_INTERVAL: '-3',
    });
    expect(await sidecar.exited).toBe(2);
    expect(sidecar.output()).toContain('CHECK_INTERVAL must be a positive number');
  });
});
