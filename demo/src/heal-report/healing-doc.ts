import type { ReportResult } from './report.js';
import { formatTable, markdownTable, type SummaryRow, totalHarm } from './summary.js';

/** docs/HEALING.md: the latest table, how it was measured, and the original system's claims. */
export function formatHealingDoc(result: ReportResult, rows: SummaryRow[], at: Date): string {
  const notes = noteLines(result).map((n) => `- ${n}`);
  return `# Healing report

Measured by \`pnpm heal-report\` on ${at.toISOString().slice(0, 10)}: each fault class of the demo
injected ${result.options.runs} times, the page in a real headless Chromium with the extension
loaded (and the shop's standalone agent), the service \`shop-api\` with the backend agent, the
collector's verification window ${result.options.verifyWindowS} s. Harmful actions in total:
**${totalHarm(rows)}**.

${formatTable(rows)}
- **injected**: the button pressed on the demo shop (for the stale chunk: a deploy, then the
  click that imports the gone chunk). Each round starts the demo afresh and runs every class once.
- **healed**: what a user sees: the page got its answer, the widget loaded, the page runs the
  new release, the service answers (within 150 ms, five times in a row, for the event loop).
- **verified by the collector**: a fix of the fault's kind whose outcome the collector settled
  \`succeeded\` after its verification window.
- **escalated to a person**: a decision about the fault waits for a person's approval, or is a
  \`notify_admin\`.
- **median time to heal**: in the page, from the fault to when a user sees it healed (looked at
  every 250 ms); in the service, whose answers do not show a filling heap, from the fault to the
  agent's report of the fix that worked.
- **harmful actions**: page loads beyond the one reload a stale chunk needs (reload loops); a
  POST the page sent twice without an \`Idempotency-Key\`; more than one service restart per
  injection (restart storms); a fix that ran for a fingerprint after another fix of it had worked
  (a fix for a fault already fixed). Each is counted from the browser's own requests and loads,
  the demo's output and the collector's fixes.

## Beside the original system's claims

The original system claimed these heal rates:

${markdownTable(
  ['fault class', 'claimed', 'measured here'],
  rows
    .filter((r) => r.claimed)
    .map((r) => [
      r.claimed?.name ?? '',
      `${Math.round((r.claimed?.rate ?? 0) * 100)} %`,
      r.skipped
        ? `not run (${r.skipped})`
        : r.escalates
          ? `${r.healed}/${r.injected} healed: no agent can heal an upstream's outage; ${r.escalated}/${r.injected} told a person`
          : `${r.healed}/${r.injected} healed, ${r.verified}/${r.injected} verified`,
    ]),
)}

The demo's faults are each one real fault with one known heal, injected on a quiet demo: these
rates say that each heal works end to end, not how often a fault in the wild is of a kind that
can be healed.
${notes.length ? `\n## What went wrong in this run\n\n${notes.join('\n')}\n` : ''}`;
}

/** Each run's notes, named by fault class and round. */
export function noteLines(result: ReportResult): string[] {
  const rounds = new Map<string, number>();
  return result.runs.flatMap((r) => {
    const round = (rounds.get(r.fault) ?? 0) + 1;
    rounds.set(r.fault, round);
    return r.notes.map((n) => `${r.fault} (round ${round}): ${n}`);
  });
}
