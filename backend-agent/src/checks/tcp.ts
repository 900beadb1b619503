import { connect } from 'node:net';
import type { ErrorKind } from '@selfheal/shared';
import type { Check } from '../check.js';

/** Where the TCP check connects. */
export interface TcpCheckOptions {
  host: string;
  port: number;
  name?: string;
  kind?: ErrorKind;
  timeoutMs?: number;
  failureThreshold?: number;
}

/** Opens a TCP connection and closes it; refused or timed out is a failure. */
export function tcpCheck(options: TcpCheckOptions): Check {
  return {
    name: options.name ?? `tcp:${options.host}:${options.port}`,
    kind: options.kind ?? 'api_down',
    timeoutMs: options.timeoutMs ?? 5_000,
    ...(options.failureThreshold ? { failureThreshold: options.failureThreshold } : {}),
    run(signal) {
      const started = performance.now();
      return new Promise((resolve) => {
        const socket = connect({ host: options.host, port: options.port });
        socket.unref();
        const done = (ok: boolean, message?: string) => {
          socket.destroy();
          const value = Math.round(performance.now() - started);
          resolve(
            ok
              ? { status: 'pass', value }
              : { status: 'fail', value, message: message ?? 'failed' },
          );
        };
        socket.once('connect', () => done(true));
        socket.once('error', (error) => done(false, error.message));
        signal.addEventListener('abort', () => done(false, 'timed out'), { once: true });
      });
    },
  };
}
