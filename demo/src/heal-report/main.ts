import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_DIR } from '../shop-build.js';
import { formatHealingDoc, noteLines } from './healing-doc.js';
import { runReport } from './report.js';
import { formatTable, summarize, totalHarm } from './summary.js';

// `pnpm heal-report`: the edge that reads arguments, draws progress and writes docs/HEALING.md.
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'verify-window': { type: 'string', default: '10' },
    write: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const runs = Number(values.runs);
const verifyWindowS = Number(values['verify-window']);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number ≥ 1');
if (!(verifyWindowS >= 1)) throw new Error('--verify-window must be ≥ 1 second');

const tty = process.stderr.isTTY === true;
const started = Date.now();
function progress(done: number, total: number, what: string): void {
  const width = 30;
  const filled = Math.round((width * done) / total);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
  const elapsed = `${Math.round((Date.now() - started) / 1000)} s`;
  if (tty) process.stderr.write(`\r\x1b[2K${bar} ${elapsed} ${what}`);
  else process.stderr.write(`${bar} ${elapsed} ${what}\n`);
}

const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    abort.abort();
    process.stderr.write('\nstopping the demo and the browser…\n');
    setTimeout(() => process.exit(130), 6_000).unref();
  });
}
const result = await runReport({ runs, verifyWindowS, onProgress: progress }, abort.signal);
if (abort.signal.aborted) process.exit(130);
if (tty) process.stderr.write('\n');
const rows = summarize(result);
process.stdout.write(formatTable(rows));
process.stdout.write(`harmful actions: ${totalHarm(rows)}\n`);
for (const note of noteLines(result)) process.stdout.write(`  ${note}\n`);
if (values.write) {
  const file = resolve(DEMO_DIR, '..', 'docs', 'HEALING.md');
  writeFileSync(file, formatHealingDoc(result, rows, new Date()));
  process.stdout.write(`written to ${file}\n`);
}
process.exit(totalHarm(rows) === 0 ? 0 : 1);
