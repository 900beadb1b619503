import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Event } from '@selfheal/shared/protocol';

/** A file that keeps unsent events across a collector outage and a restart of the service. */
export interface Spool {
  /** The events a previous run left, or none. */
  load(): Event[];
  save(events: readonly Event[]): Promise<void>;
  /** For a process about to die: writes at once, synchronously. */
  saveNow(events: readonly Event[]): void;
  clear(): Promise<void>;
}

/** A spool in `file`, written whole to a temporary file and renamed over it. */
export function createSpool(file: string): Spool {
  const temp = `${file}.tmp`;
  const encode = (events: readonly Event[]) => JSON.stringify({ version: 1, events });
  return {
    load() {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as { events?: unknown };
        return Array.isArray(parsed.events) ? (parsed.events as Event[]) : [];
      } catch {
        return [];
      }
    },
    async save(events) {
      if (events.length === 0) return this.clear();
      await writeFile(temp, encode(events));
      await rename(temp, file);
    },
    saveNow(events) {
      if (events.length === 0) {
        rmSync(file, { force: true });
        return;
      }
      writeFileSync(temp, encode(events));
      renameSync(temp, file);
    },
    async clear() {
      await rm(file, { force: true });
    },
  };
}
