import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** One long-running child: its name, how it is started, and where its output goes. */
export interface ChildSpec {
  name: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Exit code after which it is started again (the backend agent's restart_service). */
  restartOn?: number;
  /** Told when it is started again after `restartOn`. */
  onRestart?: () => void;
  /** Told about every unexpected exit. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Starts Node children, restarts those that ask for it, and stops them all by their ids. */
export function createSupervisor() {
  const live = new Set<ChildProcess>();
  let stopping = false;

  function launch(spec: ChildSpec): { readonly alive: boolean } {
    let current: ChildProcess | undefined;
    const start = () => {
      const log = openSync(spec.logFile, 'a');
      current = spawn(process.execPath, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      const child = current;
      live.add(child);
      child.on('exit', (code, signal) => {
        live.delete(child);
        if (stopping) return;
        if (spec.restartOn !== undefined && code === spec.restartOn) {
          spec.onRestart?.();
          start();
        } else spec.onExit?.(code, signal);
      });
    };
    start();
    return {
      get alive() {
        return current !== undefined && current.exitCode === null && current.signalCode === null;
      },
    };
  }

  /** Tracks a short-lived child (a build) so that `stop` ends it too. */
  function track(child: ChildProcess): void {
    live.add(child);
    child.on('exit', () => live.delete(child));
  }

  /** SIGTERM to every child, SIGKILL to those still running after `graceMs`; resolves when all are gone. */
  async function stop(graceMs: number): Promise<void> {
    stopping = true;
    const waits = [...live].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    );
    const timer = setTimeout(() => {
      for (const child of live) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(waits);
    clearTimeout(timer);
  }

  return { launch, track, stop };
}
