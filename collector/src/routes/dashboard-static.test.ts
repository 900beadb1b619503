import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterEach, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, mountDashboardStatic } from './dashboard-static.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function appServing(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-dashboard-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(join(dir, '..', 'secret.js'), 'not served');
  const app = new OpenAPIHono();
  mountDashboardStatic(app, { dashboardDir: dir });
  app.notFound((c) => c.text('no route', 404));
  return app;
}

describe('the dashboard at /', () => {
  it('without a build, / says how to build it instead of failing', async () => {
    const res = await appServing({}).request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/pnpm --filter @selfheal\/dashboard build/);
  });

  it('serves index.html under a strict content security policy, and the hashed assets', async () => {
    const app = appServing({
      'index.html': '<!doctype html><script type="module" src="/assets/index-a1B2.js"></script>',
      'assets/index-a1B2.js': 'console.log(1)',
      'assets/index-a1B2.css': 'body{}',
    });
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toMatch(/script-src 'self'(;|$)/);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe/);
    expect(await page.text()).toMatch(/index-a1B2\.js/);

    const script = await app.request('/assets/index-a1B2.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toMatch(/immutable/);
    const style = await app.request('/assets/index-a1B2.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves nothing outside the build or of an unknown type', async () => {
    const app = appServing({ 'index.html': 'x', 'assets/a.exe': 'MZ' });
    for (const path of [
      '/assets/..%2F..%2Fsecret.js',
      '/assets/%2E%2E%2Fsecret.js',
      '/assets/a.exe',
      '/assets/missing.js',
      '/assets/',
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
    }
  });
});
