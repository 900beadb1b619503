import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** `import … from 'x'` / `export … from 'x'`, `import 'x'`, and `import('x')`. */
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every module reachable from `entry` through relative imports, and every bare import seen. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2] ?? match[3]) as string;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the import scan', () => {
  it('sees every form of import', () => {
    const source = [
      "import { a } from 'named';",
      "import * as b from './b.js';",
      "export { c } from 'reexported';",
      "import 'side-effect';",
      "const d = await import('dynamic');",
      "import type { E } from 'types-only';",
    ].join('\n');
    const found = [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(found).toEqual([
      'named',
      './b.js',
      'reexported',
      'side-effect',
      'dynamic',
      'types-only',
    ]);
  });
});

describe('the page entry (@selfheal/shared)', () => {
  it('imports no package at all, so it never drags zod into a page', () => {
    const { files, packages } = importGraph(join(here, 'index.ts'));
    expect([...packages]).toEqual([]);
    expect([...files].some((f) => f.includes('/protocol/'))).toBe(false);
  });

  it('reaches the protocol only through its own subpath', () => {
    const { packages } = importGraph(join(here, 'protocol', 'index.ts'));
    expect([...packages]).toEqual(['zod']);
  });
});
