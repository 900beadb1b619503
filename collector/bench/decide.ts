import { performance } from 'node:perf_hooks';
import type { StrategyName } from '@selfheal/shared';
import { decide } from '../src/decide/engine.js';
import { DEFAULT_POLICY, issueInput, record, seededRandom } from '../src/decide/fixtures.js';
import type { DecideDeps, DecisionInput, ModelPort } from '../src/decide/types.js';

/**
 * Decision latency benchmark: decide() on issues whose knowledge decides (no model call), and on
 * the rules path, timed one call at a time. A model port is supplied and must never be called.
 * Prints a Markdown table for BENCHMARKS.md; exits non-zero if the model was called.
 */

const CALLS = Number(process.env.BENCH_DECIDE_CALLS ?? 10_000);
const WARMUP = Math.min(1_000, CALLS);

let modelCalls = 0;
const model: ModelPort = {
  model: 'gpt-4o',
  suggest() {
    modelCalls++;
    return Promise.reject(new Error('the benchmark must not reach the model'));
  },
};

interface Case {
  name: string;
  input: DecisionInput;
  deps: DecideDeps;
  /** The source every draft must come from. */
  expect: 'knowledge' | 'rules';
}

const none = new Set<StrategyName>();
const CASES: Case[] = [
  {
    name: 'known pattern, one proven strategy',
    input: issueInput(),
    deps: {
      knowledge: [
        record('fingerprint', 'fp-1', 'retry_request', 40, 1),
        record('kind', 'network_error', 'retry_request', 900, 40),
      ],
      blocked: none,
      policy: DEFAULT_POLICY,
      model,
      random: seededRandom(1),
    },
    expect: 'knowledge',
  },
  {
    name: 'known pattern, Thompson sampling among 3 strategies',
    input: issueInput(),
    deps: {
      knowledge: [
        record('fingerprint', 'fp-1', 'retry_request', 30, 3),
        record('fingerprint', 'fp-1', 'reinject_resource', 12, 1),
        record('fingerprint', 'fp-1', 'clear_cache', 9, 2),
        record('kind', 'network_error', 'retry_request', 500, 60),
        record('kind', 'network_error', 'reload_page', 40, 30),
        record('kind', 'network_error', 'reinject_resource', 80, 10),
      ],
      blocked: new Set(['reload_page']),
      policy: DEFAULT_POLICY,
      model,
      random: seededRandom(2),
    },
    expect: 'knowledge',
  },
  {
    name: 'no knowledge, no model: the rules',
    input: issueInput({ kind: 'db_down', target: 'service' }),
    deps: { knowledge: [], blocked: none, policy: DEFAULT_POLICY },
    expect: 'rules',
  },
];

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function run(item: Case): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const started = performance.now();
    const draft = await decide(item.input, item.deps);
    const elapsed = performance.now() - started;
    if (draft.source !== item.expect)
      throw new Error(`${item.name}: expected source ${item.expect}, got ${draft.source}`);
    if (i >= WARMUP) times.push(elapsed);
  }
  return times.sort((a, b) => a - b);
}

const rows: string[] = [];
for (const item of CASES) {
  const times = await run(item);
  const mean = times.reduce((sum, value) => sum + value, 0) / times.length;
  const fmt = (ms: number) => (ms * 1000).toFixed(0);
  rows.push(
    `| ${item.name} | ${item.expect} | ${times.length.toLocaleString('en-US')} | ${fmt(percentile(times, 50))} | ${fmt(percentile(times, 99))} | ${fmt(times[times.length - 1] ?? 0)} | ${fmt(mean)} |`,
  );
}

console.log(
  `decide() latency on Node ${process.version}, ${CALLS} timed calls per case after ${WARMUP} warm-up calls.`,
);
console.log('');
console.log('| case | source | calls | p50 µs | p99 µs | max µs | mean µs |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log('');
console.log(`model calls: ${modelCalls}`);
if (modelCalls > 0) process.exitCode = 1;
