import { isRetryableStatus } from '@selfheal/shared';
import type { Report } from '@selfheal/shared/protocol';
import type { Transport, TransportAnswer } from './types.js';

/** Where and how the HTTP transport sends reports. */
export interface HttpTransportOptions {
  collectorUrl: string;
  projectKey: string;
  /** The page's own fetch, saved before the agent patched it (see `nativeFetch`). */
  fetch: typeof fetch;
  /** `navigator.sendBeacon`, bound; used for the last report when the page is hidden. */
  sendBeacon?: ((url: string, data: Blob) => boolean) | undefined;
}

// Browsers cap the bodies of keepalive requests in flight at 64 KiB.
const KEEPALIVE_BYTES = 60_000;

/**
 * Sends reports to `POST /api/report`. The key travels in the query and the body as text/plain,
 * so the request needs no CORS preflight and a beacon can carry it.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const url = `${options.collectorUrl.replace(/\/+$/, '')}/api/report?key=${encodeURIComponent(options.projectKey)}`;
  return {
    async send(report: Report, sendOptions): Promise<TransportAnswer | undefined> {
      const body = JSON.stringify(report);
      const small = body.length < KEEPALIVE_BYTES;
      if (sendOptions?.final && small && options.sendBeacon) {
        if (options.sendBeacon(url, new Blob([body], { type: 'text/plain' }))) return undefined;
      }
      const response = await options.fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain' },
        credentials: 'omit',
        keepalive: Boolean(sendOptions?.final) && small,
      });
      const { status } = response;
      if (isRetryableStatus(status)) {
        throw new Error(`collector answered ${status}`);
      }
      // Any other refusal (bad key, bad event) would fail again the same way.
      if (status >= 400) return { refused: true };
      if (status !== 202) return undefined;
      const answer = (await response.json().catch(() => undefined)) as TransportAnswer | undefined;
      return answer && Array.isArray(answer.commands) ? { commands: answer.commands } : undefined;
    },
  };
}
