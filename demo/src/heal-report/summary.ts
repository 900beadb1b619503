import type { ReportResult } from './report.js';
import type { Harm, RunRecord } from './run.js';

/** One line of the table: a fault class over its runs. */
export interface SummaryRow {
  fault: string;
  label: string;
  injected: number;
  healed: number;
  verified: number;
  escalated: number;
  /** Median time to heal over the healed runs, ms. */
  medianHealMs: number | null;
  harmful: number;
  harm: Harm;
  claimed?: { name: string; rate: number };
  escalates: boolean;
  skipped?: string;
}

const harmTotal = (h: Harm) =>
  h.reloadLoops + h.unsafePostRetries + h.restartStorms + h.fixAfterFixed;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The table's rows, one per fault class. */
export function summarize(result: ReportResult): SummaryRow[] {
  return result.classes.map((fault) => {
    const runs: RunRecord[] = result.runs.filter((r) => r.fault === fault.id);
    const harm: Harm = { reloadLoops: 0, unsafePostRetries: 0, restartStorms: 0, fixAfterFixed: 0 };
    for (const run of runs) {
      for (const key of Object.keys(harm) as Array<keyof Harm>) harm[key] += run.harm[key];
    }
    const skipped = result.skipped.get(fault.id);
    return {
      fault: fault.id,
      label: fault.label,
      injected: runs.length,
      healed: runs.filter((r) => r.healed).length,
      verified: runs.filter((r) => r.verified).length,
      escalated: runs.filter((r) => r.escalated).length,
      medianHealMs: median(runs.flatMap((r) => (r.healMs === null ? [] : [r.healMs]))),
      harmful: harmTotal(harm),
      harm,
      ...(fault.claimed ? { claimed: fault.claimed } : {}),
      escalates: fault.escalates === true,
      ...(skipped ? { skipped } : {}),
    };
  });
}

/** Total harmful actions over every run. */
export const totalHarm = (rows: SummaryRow[]) => rows.reduce((n, r) => n + r.harmful, 0);

const pct = (n: number, of: number) => (of === 0 ? '–' : `${Math.round((100 * n) / of)} %`);
const seconds = (ms: number | null) =>
  ms === null ? '–' : ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

function harmText(h: Harm): string {
  const parts = [
    h.reloadLoops ? `${h.reloadLoops} reload loop` : '',
    h.unsafePostRetries ? `${h.unsafePostRetries} POST retried without key` : '',
    h.restartStorms ? `${h.restartStorms} extra restart` : '',
    h.fixAfterFixed ? `${h.fixAfterFixed} fix of a fixed fault` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '0';
}

/** The table as Markdown, with the original system's claim beside each class. */
export function formatTable(summary: SummaryRow[]): string {
  const header = [
    'fault class',
    'injected',
    'healed',
    'verified by the collector',
    'escalated to a person',
    'median time to heal',
    'harmful actions',
    'original claim',
  ];
  const rows = summary.map((r) => {
    const claim = r.claimed ? `${r.claimed.name} ${Math.round(r.claimed.rate * 100)} %` : '–';
    if (r.skipped) return [r.label, `0 (skipped: ${r.skipped})`, '–', '–', '–', '–', '–', claim];
    return [
      r.label,
      String(r.injected),
      `${r.healed}/${r.injected} (${pct(r.healed, r.injected)})`,
      `${r.verified}/${r.injected}`,
      `${r.escalated}/${r.injected}`,
      seconds(r.medianHealMs),
      harmText(r.harm),
      claim,
    ];
  });
  return `${markdownTable(header, rows)}\n`;
}

/** A Markdown table with its columns padded, as the repository's formatter writes them. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
