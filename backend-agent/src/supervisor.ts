import { type ChildProcess, spawn } from 'node:child_process';
import type { Backoff } from '@selfheal/shared';
import { delay } from './delay.js';

/** What the supervisor tells the sidecar. */
export interface SupervisorEvents {
  onSpawn(pid: number): void;
  /** The child exited without being asked to. */
  onCrash(code: number | null, signal: NodeJS.Signals | null): void;
  onLog(message: string): void;
}

/**
 * Runs a shell command as a child in its own process group, restarts it on request (SIGTERM to
 * the group, SIGKILL after `graceMs`) and when it exits on its own, backing off as restarts do.
 */
export function createSupervisor(
  command: string,
  graceMs: number,
  backoff: Backoff,
  events: SupervisorEvents,
) {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  let crashes = 0;
  let lastCrashAt = 0;

  function launch(): void {
    const proc = spawn('/bin/sh', ['-c', command], { stdio: 'inherit', detached: true });
    child = proc;
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        if (child === proc) child = null;
        resolve();
        if (!stopping && child === null) void crashed(code, signal);
      });
    });
    proc.once('error', (error) => events.onLog(`could not start the service: ${error.message}`));
    if (proc.pid) events.onSpawn(proc.pid);
  }

  async function crashed(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    events.onCrash(code, signal);
    const now = Date.now();
    if (now - lastCrashAt > 2 * backoff.maxMs) crashes = 0;
    const wait =
      crashes === 0 ? 0 : Math.min(backoff.maxMs, backoff.initialMs * 2 ** (crashes - 1));
    crashes += 1;
    lastCrashAt = now;
    events.onLog(
      `the service exited (${signal ?? code}); starting it again in ${Math.round(wait / 1000)} s`,
    );
    await delay(wait);
    if (!stopping && child === null) launch();
  }

  async function terminate(): Promise<void> {
    const proc = child;
    if (!proc?.pid) return;
    const group = -proc.pid;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(group, name);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    const done = exited;
    const timedOut = await Promise.race([done.then(() => false), delay(graceMs).then(() => true)]);
    if (timedOut) {
      signal('SIGKILL');
      await done;
    }
  }

  return {
    start(): void {
      stopping = false;
      if (!child) launch();
    },
    /** Stops the child (gracefully) and starts it again. */
    async restart(): Promise<string> {
      stopping = true;
      const old = child?.pid;
      await terminate();
      stopping = false;
      launch();
      return `restarted the service (pid ${old ?? '-'} → ${child?.pid ?? '-'})`;
    },
    async stop(): Promise<void> {
      stopping = true;
      await terminate();
    },
    pid: () => child?.pid,
  };
}
