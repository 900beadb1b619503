/**
 * Which HTTP answers are worth sending again: the one rule the page agent's retries and
 * transport, the extension's relay to the collector and the backend agent's reporter read.
 * Zod-free and tiny, for the page bundle.
 */

/** True for the answers worth retrying: 5xx, 429 and 408. Any other 4xx is the caller's fault. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
