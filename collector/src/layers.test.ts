import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));

/** The modules `folder`'s code (tests aside) imports, as paths under `src/`. */
function importsOf(folder: string): Array<{ file: string; imports: string[] }> {
  return readdirSync(join(src, folder))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => {
      const text = readFileSync(join(src, folder, name), 'utf8');
      const specifiers = [
        ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g),
        ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
      ].map((match) => match[1] as string);
      const imports = specifiers
        .filter((s) => s.startsWith('.'))
        .map((s) => relative(src, join(src, folder, s)).replace(/\.js$/, ''));
      return { file: `${folder}/${name}`, imports };
    });
}

/** Where each module lives, by its first path segment (`store/decisions` → `store`). */
const areaOf = (path: string) => (path.includes('/') ? (path.split('/')[0] as string) : path);

/**
 * The loop's steps from the bottom up: a step imports only steps listed before it. The
 * orchestrator (`loop`) and its setup sit on top.
 */
const LOOP_ORDER = [
  'verdict',
  'context',
  'screen',
  'learn',
  'judge',
  'record-outcomes',
  'act',
  'lapse',
  'verify',
  'loop',
  'setup',
];

describe('import direction', () => {
  it('keeps decide/ pure: no store, no loop, no HTTP', () => {
    const banned = new Set([
      'db',
      'store',
      'loop',
      'learn',
      'routes',
      'commands',
      'live',
      'ingest',
      'escalate',
      'errors',
      'protocol-check',
      'app',
    ]);
    const found = importsOf('decide').flatMap(({ file, imports }) =>
      imports.filter((path) => banned.has(areaOf(path))).map((path) => `${file} → ${path}`),
    );
    expect(found).toEqual([]);
  });

  it('runs the loop one way: each step imports only the steps below it', () => {
    const found: string[] = [];
    for (const { file, imports } of importsOf('loop')) {
      const step = file.slice('loop/'.length, -'.ts'.length);
      const rank = LOOP_ORDER.indexOf(step);
      if (rank < 0) {
        found.push(`${file} has no place in LOOP_ORDER`);
        continue;
      }
      for (const path of imports.filter((p) => areaOf(p) === 'loop')) {
        const other = LOOP_ORDER.indexOf(path.slice('loop/'.length));
        if (other < 0 || other >= rank) found.push(`${file} → ${path}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('keeps the stores below the loop and the routes, and decisions free of HTTP', () => {
    const found = [...importsOf('store'), ...importsOf('loop')].flatMap(({ file, imports }) =>
      imports
        .filter((path) => {
          const area = areaOf(path);
          if (['routes', 'app', 'errors', 'protocol-check'].includes(area)) return true;
          return file.startsWith('store/') && (area === 'loop' || area === 'escalate');
        })
        .map((path) => `${file} → ${path}`),
    );
    expect(found).toEqual([]);
  });
});
