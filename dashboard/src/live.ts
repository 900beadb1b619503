import type { DashboardUpdate } from '@selfheal/shared/protocol';

/** Where the live link stands. */
export type LinkState = 'connecting' | 'live' | 'reconnecting';

/** Longest wait between two attempts to reconnect. */
const MAX_BACKOFF_MS = 15_000;

/**
 * Opens `/ws/dashboard` for `project` and hands each update to `onUpdate`; reconnects with a
 * growing back-off when the link drops. Returns a function that closes it for good.
 */
export function connectLive(options: {
  token: string;
  project: string;
  onUpdate(update: DashboardUpdate): void;
  onState(state: LinkState): void;
  /** Called after each (re)connection: what was missed while away is read again. */
  onResync(): void;
}): () => void {
  let socket: WebSocket | undefined;
  let closed = false;
  let backoff = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const params = new URLSearchParams({ token: options.token, project: options.project });
    const ws = new WebSocket(`${scheme}://${location.host}/ws/dashboard?${params}`);
    socket = ws;
    ws.onmessage = (message) => {
      let update: DashboardUpdate;
      try {
        update = JSON.parse(String(message.data)) as DashboardUpdate;
      } catch {
        return;
      }
      if (update.type === 'hello') {
        backoff = 500;
        options.onState('live');
        options.onResync();
        return;
      }
      options.onUpdate(update);
    };
    ws.onclose = () => {
      if (closed) return;
      options.onState('reconnecting');
      timer = setTimeout(open, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  };
  options.onState('connecting');
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    socket?.close();
  };
}
