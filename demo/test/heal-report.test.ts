import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from '../src/heal-report/browser.js';
import { runReport } from '../src/heal-report/report.js';
import { formatTable, summarize, totalHarm } from '../src/heal-report/summary.js';

const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`No Chromium at ${CHROMIUM}: the healing report is skipped.`);

describe.skipIf(!HAS_CHROMIUM)('pnpm heal-report, short: each fault class once', () => {
  it('heals and verifies every fault an agent can heal, tells a person about the rest, and does no harm', async () => {
    const result = await runReport({ runs: 1, verifyWindowS: 2 });
    const rows = summarize(result);
    const table = formatTable(rows);
    const notes = result.runs.flatMap((r) => r.notes.map((n) => `${r.fault}: ${n}`));
    const seen = `${table}\n${notes.join('\n')}`;
    expect(totalHarm(rows), seen).toBe(0);
    for (const row of rows) {
      if (row.skipped) continue;
      expect(row.injected, row.label).toBe(1);
      if (row.escalates) {
        expect(row.escalated, `${row.label}: a person is told\n${seen}`).toBe(1);
      } else {
        expect(row.healed, `${row.label}: healed\n${seen}`).toBe(1);
        expect(row.escalated, `${row.label}: healed, so nobody is told\n${seen}`).toBe(0);
        expect(row.verified, `${row.label}: verified\n${seen}`).toBe(1);
        expect(row.medianHealMs, row.label).not.toBeNull();
      }
    }
  }, 900_000);
});
