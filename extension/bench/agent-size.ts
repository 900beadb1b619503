/**
 * The standalone agent's size, and what each source module adds to it once gzipped. The
 * breakdown comes from a second build with a source map: every byte of the minified file is
 * charged to the module it came from, and a module's share is how much smaller the gzipped file
 * gets without its bytes (gzip finds repeats across modules, so the shares add up to less).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const CONFIG = fileURLToPath(new URL('../vite.agent.config.ts', import.meta.url));
const AGENT = fileURLToPath(new URL('../dist/agent/frontend-agent.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** What one source module adds: its minified bytes and its gzipped share. */
export interface Part {
  source: string;
  raw: number;
  gzip: number;
}

/** The built file's sizes, the shares of the shared package and of the agent, and each module's. */
export interface AgentSize {
  raw: number;
  gzip: number;
  shared: number;
  agent: number;
  parts: Part[];
}

/** Bytes of `code` gzipped at level 9, as the budget counts them. */
export function gzipSize(code: string | Uint8Array): number {
  return gzipSync(code, { level: 9 }).length;
}

/** Builds the standalone agent as shipped, then again with a source map for the breakdown. */
export async function measureAgent(): Promise<AgentSize> {
  await build({ configFile: CONFIG, logLevel: 'warn' });
  const shipped = readFileSync(AGENT, 'utf8');
  const out = mkdtempSync(join(tmpdir(), 'agent-map-'));
  try {
    await build({
      configFile: CONFIG,
      logLevel: 'warn',
      build: { outDir: out, emptyOutDir: true, sourcemap: true },
    });
    const file = join(out, 'frontend-agent.js');
    const code = readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '');
    if (code !== shipped) throw new Error('the source-mapped build differs from the shipped one');
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as {
      sources: string[];
      mappings: string;
    };
    const sources = map.sources.map((s) => relative(ROOT, resolve(dirname(file), s)));
    return breakdown(code, sources, owners(code, map.mappings));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** For each character of `code`, the index of the source it came from (-1 when unmapped). */
function owners(code: string, mappings: string): Int32Array {
  const owner = new Int32Array(code.length).fill(-1);
  let lineStart = 0;
  let source = 0;
  for (const line of mappings.split(';')) {
    let column = 0;
    const starts: Array<[number, number]> = [];
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) source += fields[1] ?? 0;
      starts.push([column, fields.length >= 4 ? source : -1]);
    }
    const lineEnd = code.indexOf('\n', lineStart);
    const end = lineEnd < 0 ? code.length : lineEnd;
    starts.forEach(([from, who], i) => {
      owner.fill(who, lineStart + from, lineStart + (starts[i + 1]?.[0] ?? end - lineStart));
    });
    lineStart = end + 1;
  }
  return owner;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function breakdown(code: string, sources: string[], owner: Int32Array): AgentSize {
  const gzip = gzipSize(code);
  const without = (drop: (source: number) => boolean) => {
    let kept = '';
    for (let i = 0; i < code.length; i++) if (!drop(owner[i] ?? -1)) kept += code[i];
    return gzip - gzipSize(kept);
  };
  const isShared = (i: number) => i >= 0 && (sources[i] ?? '').startsWith('shared/');
  const parts = sources
    .map((source, index) => ({
      source,
      raw: owner.reduce((n, who) => (who === index ? n + 1 : n), 0),
      gzip: without((who) => who === index),
    }))
    .filter((part) => part.raw > 0)
    .sort((a, b) => b.gzip - a.gzip);
  return {
    raw: Buffer.byteLength(code),
    gzip,
    shared: without(isShared),
    agent: without((who) => who >= 0 && !isShared(who)),
    parts,
  };
}
