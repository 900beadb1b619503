import type { Command } from '@selfheal/shared/protocol';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { IngestReport } from '../ingest/normalize.js';
import { pageCommandFingerprints, pageCommandsFor, toCommand } from './store.js';

/** How stale the list of fingerprints with page commands may be (another collector's commands). */
const REFRESH_MS = 1_000;

/** Finds the page commands (recommendations) for a report's fingerprints. */
export interface Recommendations {
  /** The commands for `report`'s fingerprints; a set lookup when there are none. */
  forReport(report: IngestReport): Promise<Command[]>;
  /** Tells the cache a page command was just stored here. */
  added(project: string, fingerprint: string): void;
}

const keyOf = (project: string, fingerprint: string) => `${project}\u0000${fingerprint}`;

/** Creates the recommendations lookup; the store is read only when a fingerprint may match. */
export function createRecommendations(db: Db, clock: Clock): Recommendations {
  let known = new Set<string>();
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  const refresh = () => {
    loading ??= pageCommandFingerprints(db, clock.now())
      .then((set) => {
        known = set;
        loadedAt = Date.now();
      })
      .catch(() => {})
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
  return {
    async forReport(report) {
      // Never wait for the refresh: a report is answered with what is known now.
      if (Date.now() - loadedAt > REFRESH_MS) void refresh();
      const fingerprints = [
        ...new Set(report.events.filter((e) => e.grouped).map((e) => e.fingerprint)),
      ].filter((f) => known.has(keyOf(report.projectId, f)));
      if (fingerprints.length === 0) return [];
      try {
        const rows = await pageCommandsFor(db, report.projectId, fingerprints, clock.now());
        return rows.map(toCommand);
      } catch {
        return [];
      }
    },
    added(project, fingerprint) {
      known.add(keyOf(project, fingerprint));
    },
  };
}
