import { describe, expect, it } from 'vitest';
import { runCheck } from './check.js';
import { parseCheck, parseFix } from './cli-args.js';

describe('running a check', () => {
  it('turns a hang into a failure at its timeout, and aborts the check', async () => {
    let aborted = false;
    const result = await runCheck(
      {
        name: 'slow',
        kind: 'api_down',
        timeoutMs: 50,
        run: (signal) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      },
      5_000,
    );
    expect(result).toEqual({ status: 'fail', message: 'timed out after 50 ms' });
    expect(aborted).toBe(true);
  });

  it('turns a throw or a missing status into a failure', async () => {
    const thrown = await runCheck(
      {
        name: 't',
        kind: 'db_down',
        run: () => {
          throw new Error('ECONNREFUSED');
        },
      },
      100,
    );
    expect(thrown).toEqual({ status: 'fail', message: 'ECONNREFUSED' });
    const empty = await runCheck(
      { name: 'e', kind: 'db_down', run: () => undefined as never },
      100,
    );
    expect(empty.status).toBe('fail');
  });
});

describe('sidecar check and fix flags', () => {
  it('names checks and infers their kind', () => {
    expect(parseCheck('http=http://127.0.0.1:8080/health')).toMatchObject({
      type: 'http',
      name: 'api',
      kind: 'api_down',
    });
    expect(parseCheck('db:tcp=127.0.0.1:5432')).toMatchObject({
      type: 'tcp',
      name: 'db',
      kind: 'db_down',
      host: '127.0.0.1',
      port: 5432,
    });
    expect(parseCheck('redis:tcp=[::1]:6379')).toMatchObject({
      kind: 'cache_down',
      host: '::1',
      port: 6379,
    });
    expect(() => parseCheck('tcp=127.0.0.1:99999')).toThrow('HOST:PORT');
  });

  it('takes shell fixes by strategy or custom name', () => {
    expect(parseFix('restart_service=systemctl restart app')).toEqual({
      strategy: 'restart_service',
      command: 'systemctl restart app',
    });
    expect(parseFix('custom:flush=redis-cli flushall')).toEqual({
      strategy: 'custom',
      name: 'flush',
      command: 'redis-cli flushall',
    });
    expect(() => parseFix('restart_service=')).toThrow('STRATEGY="command"');
  });
});
