import { inspect } from 'node:util';

/** What to do with an error the process did not catch. */
export type ProcessErrorSink = (
  error: unknown,
  source: 'uncaughtException' | 'unhandledRejection',
) => void;

function rejectionMode(): string {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const flag = flags.find((f) => f.startsWith('--unhandled-rejections='));
  return flag?.split('=')[1] ?? 'throw';
}

/**
 * Reports uncaught exceptions and unhandled rejections without changing whether the process
 * exits: exceptions through `uncaughtExceptionMonitor`, which never handles them; a rejection
 * that only this listener sees is raised again, as Node would have done (`--unhandled-rejections`).
 * Returns the function that removes the listeners.
 */
export function captureProcessErrors(sink: ProcessErrorSink): () => void {
  const raised = new WeakSet<object>();
  const onException = (error: unknown) => {
    if (typeof error === 'object' && error !== null && raised.has(error)) return;
    sink(error, 'uncaughtException');
  };
  const onRejection = (reason: unknown) => {
    sink(reason, 'unhandledRejection');
    if (process.listenerCount('unhandledRejection') > 1) return;
    const mode = rejectionMode();
    if (mode === 'warn-with-error-code') process.exitCode = 1;
    if (mode !== 'throw') return;
    const error =
      reason instanceof Error
        ? reason
        : Object.assign(
            new Error(
              `This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${inspect(reason)}".`,
            ),
            { code: 'ERR_UNHANDLED_REJECTION' },
          );
    raised.add(error);
    throw error;
  };
  process.on('uncaughtExceptionMonitor', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtExceptionMonitor', onException);
    process.off('unhandledRejection', onRejection);
  };
}
