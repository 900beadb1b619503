/** An uncaught error as the window reports it. */
export interface UncaughtError {
  message: string;
  name: string | undefined;
  stack: string | undefined;
  filename: string | undefined;
  lineno: number | undefined;
  colno: number | undefined;
}

/** Calls `handler` for each uncaught error; returns the uninstall. */
export function instrumentErrors(win: Window, handler: (error: UncaughtError) => void): () => void {
  const listener = (event: Event) => {
    // Resource load failures are plain Events on elements; they are resource-errors.ts's.
    if (!('message' in event)) return;
    const e = event as ErrorEvent;
    const error = e.error as { name?: unknown; stack?: unknown } | null | undefined;
    handler({
      message: String(e.message ?? ''),
      name: typeof error?.name === 'string' ? error.name : undefined,
      stack: typeof error?.stack === 'string' ? error.stack : undefined,
      filename: e.filename || undefined,
      lineno: e.lineno || undefined,
      colno: e.colno || undefined,
    });
  };
  win.addEventListener('error', listener);
  return () => win.removeEventListener('error', listener);
}
