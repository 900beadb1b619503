import type { ErrorKind } from '@selfheal/shared';
import type { Check } from '../check.js';
import { send } from '../http-client.js';

/** What the HTTP check requests and accepts. */
export interface HttpCheckOptions {
  url: string;
  name?: string;
  kind?: ErrorKind;
  timeoutMs?: number;
  failureThreshold?: number;
  /** Statuses that pass; default 200-399. */
  expect?: (status: number) => boolean;
}

/** GETs a URL; a network error, timeout or unexpected status is a failure (`api_down`). */
export function httpCheck(options: HttpCheckOptions): Check {
  const expect = options.expect ?? ((status: number) => status >= 200 && status < 400);
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    name: options.name ?? 'api',
    kind: options.kind ?? 'api_down',
    timeoutMs,
    ...(options.failureThreshold ? { failureThreshold: options.failureThreshold } : {}),
    async run(signal) {
      const started = performance.now();
      const answer = await send(options.url, { timeoutMs, signal, maxBodyBytes: 4_096 });
      const value = Math.round(performance.now() - started);
      return expect(answer.status)
        ? { status: 'pass', value }
        : { status: 'fail', value, message: `${options.url} answered ${answer.status}` };
    },
  };
}
