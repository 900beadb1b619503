import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Status } from '@selfheal/shared/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { event } from './harness.js';
import { spawnCollector } from './process.js';

describe('the collector process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-main-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with no credentials set, prints generated ones once, keeps them, and stops cleanly on SIGTERM', async () => {
    const first = await spawnCollector({ DATA_DIR: dir });
    const health = await fetch(`${first.base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });
    const admin = first.output().match(/ADMIN_TOKEN=(\S+)/)?.[1];
    const key = first.output().match(/PROJECT_KEY=(\S+)/)?.[1];
    expect(admin).toBeTruthy();
    expect(key).toBeTruthy();
    // The DSN a Sentry SDK takes: the generated key (word characters only) and the project number.
    expect(key).toMatch(/^shp_\w+$/);
    const dsn = `http://${key}@127.0.0.1:${new URL(first.base).port}/1`;
    expect(first.output()).toContain(`SENTRY_DSN=${dsn}`);

    // A report still in flight when SIGTERM arrives is finished, not dropped.
    const body = JSON.stringify({ agent: 'frontend', service: 'shop', events: [event()] });
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(`${first.base}/api/report`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-length': Buffer.byteLength(body) },
      });
      req.once('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        first.proc.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 300);
      }, 300);
    });
    expect(await answer).toBe(202);
    expect(await first.exited).toBe(0);

    const second = await spawnCollector({ DATA_DIR: dir });
    try {
      expect(second.output()).not.toContain('ADMIN_TOKEN=');
      const status = await fetch(`${second.base}/api/status`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(status.status).toBe(200);
      const figures = (await status.json()) as Status;
      expect(figures.totalErrors).toBe(1);
      // The public key was kept, so the DSN is shown after a restart too (at its new port).
      expect(figures.sentry?.dsn).toBe(`http://${key}@127.0.0.1:${new URL(second.base).port}/1`);
    } finally {
      second.proc.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('stops within 2 s with exit 0 while an agent holds a long poll on a kept-alive connection', async () => {
    const proc = await spawnCollector({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'selfheal-stop-')),
      ADMIN_TOKEN: 'sha_stop-admin-token',
    });
    const made = await fetch(`${proc.base}/api/services/orders/keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer sha_stop-admin-token' },
    });
    const { key } = (await made.json()) as { key: string };
    // As an agent polls: one kept-alive connection, a new poll as soon as the last one answers.
    const agent = new Agent({ keepAlive: true });
    let polling = true;
    const poll = () =>
      new Promise<void>((resolve) => {
        const req = request(`${proc.base}/api/commands?agent=orders-1&wait=25`, {
          agent,
          headers: { authorization: `Bearer ${key}` },
        });
        req.once('response', (res) => {
          res.resume();
          res.once('end', resolve);
        });
        req.once('error', () => resolve());
        req.end();
      });
    const loop = (async () => {
      while (polling) await poll();
    })();
    try {
      await new Promise((r) => setTimeout(r, 500));
      const asked = Date.now();
      proc.proc.kill('SIGINT');
      expect(await proc.exited).toBe(0);
      expect(Date.now() - asked).toBeLessThan(2_000);
    } finally {
      polling = false;
      proc.proc.kill('SIGKILL');
      agent.destroy();
      await loop;
    }
  });
});
