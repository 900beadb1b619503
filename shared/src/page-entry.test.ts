import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module reachable from `entry` through relative imports, and every bare import seen. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)) {
      const spec = match[1] as string;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

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
