import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What came back from a request. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request the agent makes. */
export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Largest answer body kept, in bytes; the rest is read and dropped. */
  maxBodyBytes?: number;
}

/**
 * An HTTP request whose socket never keeps the host process alive (unref'd), so an agent
 * waiting on the collector does not stop its service from exiting. Rejects on network errors
 * and timeouts; any status resolves.
 */
export function send(url: string, options: HttpRequest): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const limit = options.maxBodyBytes ?? 1_048_576;
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined)
      headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request(target, { method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
      });
      res.on('end', () => {
        cleanup();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    timer.unref();
    const onAbort = () => req.destroy(new Error('aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    function cleanup() {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    function fail(error: Error) {
      cleanup();
      reject(error);
    }
    req.on('socket', (socket) => socket.unref());
    req.on('error', fail);
    if (options.signal?.aborted) {
      req.destroy(new Error('aborted'));
      return;
    }
    req.end(options.body);
  });
}

/** Seconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
