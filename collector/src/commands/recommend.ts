import type { Command } from '@selfheal/shared/protocol';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { IngestReport } from '../ingest/normalize.js';
import { type CommandRow, markDelivered, openPageCommands, toCommand } from './store.js';

/** How stale the open page commands may be (another collector's commands, finished ones). */
const REFRESH_MS = 1_000;
/** Most commands handed back with one report. */
const MAX_PER_REPORT = 20;

/** Finds the page commands (recommendations) for a report's fingerprints. */
export interface Recommendations {
  /** The open commands for `report`'s fingerprints, from memory: a report never waits on the store. */
  forReport(report: IngestReport): Command[];
  /** Adds a page command this collector just stored. */
  added(row: CommandRow): void;
  /** Waits for a reload in flight and stops reloading. */
  close(): Promise<void>;
}

const keyOf = (project: string, fingerprint: string) => `${project}\u0000${fingerprint}`;

/**
 * Keeps the open page commands in memory, reloaded at most every second when reports come in.
 * Deliveries are recorded in one update per reload instead of one write per report, so many
 * pages reporting the same fault never queue on the same command rows.
 */
export function createRecommendations(db: Db, clock: Clock): Recommendations {
  let open = new Map<string, CommandRow[]>();
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  let closed = false;
  let handedOut = new Set<string>();

  const index = (rows: CommandRow[]) => {
    const map = new Map<string, CommandRow[]>();
    for (const row of rows) {
      const key = keyOf(row.projectId, row.fingerprint);
      map.set(key, [...(map.get(key) ?? []), row]);
    }
    return map;
  };
  const refresh = () => {
    loadedAt = Date.now();
    if (loading || closed) return;
    const delivered = [...handedOut];
    handedOut = new Set();
    loading = markDelivered(db, delivered, clock.now())
      .then(() => openPageCommands(db, clock.now()))
      .then((rows) => {
        open = index(rows);
      })
      .catch(() => {})
      .finally(() => {
        loading = undefined;
      });
  };
  return {
    forReport(report) {
      if (Date.now() - loadedAt > REFRESH_MS) refresh();
      if (open.size === 0) return [];
      const now = clock.now();
      const found: Command[] = [];
      const seen = new Set<string>();
      for (const event of report.events) {
        const key = keyOf(report.projectId, event.fingerprint);
        if (!event.grouped || seen.has(key)) continue;
        seen.add(key);
        for (const row of open.get(key) ?? []) {
          if (row.expiresAt.getTime() <= now || found.length >= MAX_PER_REPORT) continue;
          found.push(toCommand(row));
          handedOut.add(row.id);
        }
      }
      return found;
    },
    added(row) {
      // A fingerprint has one open decision at a time: a new command replaces those of earlier,
      // finished decisions that the last reload may still hold.
      const key = keyOf(row.projectId, row.fingerprint);
      const same = (open.get(key) ?? []).filter((other) => other.decisionId === row.decisionId);
      open.set(key, [...same, row]);
    },
    async close() {
      closed = true;
      await loading;
    },
  };
}
