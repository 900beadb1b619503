import { describeValue } from './describe.js';

/** A promise rejection nobody handled. */
export interface UnhandledRejection {
  message: string;
  name: string | undefined;
  stack: string | undefined;
}

/** Calls `handler` for each unhandled rejection; returns the uninstall. */
export function instrumentRejections(
  win: Window,
  handler: (rejection: UnhandledRejection) => void,
): () => void {
  const listener = (event: Event) => {
    handler(describeValue((event as PromiseRejectionEvent).reason));
  };
  win.addEventListener('unhandledrejection', listener);
  return () => win.removeEventListener('unhandledrejection', listener);
}
