import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/firefox', import.meta.url));
const webExt = fileURLToPath(new URL('../node_modules/.bin/web-ext', import.meta.url));

type LintReport = {
  summary: { errors: number; warnings: number };
  errors: Array<{ code: string; message: string; file?: string }>;
  warnings: Array<{ code: string; message: string; file?: string }>;
};

describe('the Firefox build', () => {
  it('has an event page, a gecko id and no service worker', () => {
    const manifest = JSON.parse(readFileSync(`${dist}/manifest.json`, 'utf8'));
    expect(manifest.background.scripts).toHaveLength(1);
    expect(manifest.background.service_worker).toBeUndefined();
    expect(manifest.browser_specific_settings.gecko.id).toBe('selfheal@selfheal.dev');
    expect(manifest.content_scripts[0].world).toBe('MAIN');
  });

  it('passes web-ext lint with no errors and no warnings a store review would flag', async () => {
    // web-ext exits non-zero when it finds errors; the JSON report says which.
    const output = await run(
      webExt,
      ['lint', '--source-dir', dist, '--self-hosted', '--output', 'json'],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    ).then(
      (r) => r.stdout,
      (e: { stdout?: string }) => e.stdout ?? '',
    );
    const report = JSON.parse(output.slice(output.indexOf('{'))) as LintReport;
    expect(report.errors).toEqual([]);
    expect(report.summary.errors).toBe(0);
    expect(report.warnings.map((w) => `${w.code} ${w.file ?? ''}`)).toEqual([]);
  });
});
