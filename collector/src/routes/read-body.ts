import { LIMITS } from '@selfheal/shared/protocol';
import type { Context } from 'hono';
import { ProblemError } from '../errors.js';

/** How much of a body is read, and for how long. */
export interface BodyLimits {
  /** Most bytes; past it, 413. */
  maxBytes: number;
  /** Most milliseconds for the whole body to arrive; past it, 408. */
  timeoutMs: number;
}

/** A report body's limits unless a route names its own. */
export const REPORT_BODY_LIMITS: BodyLimits = { maxBytes: LIMITS.maxBodyBytes, timeoutMs: 10_000 };

/** A 413; the rest of the body is never read, so the connection cannot carry another request. */
export const tooLarge = (maxBytes: number = LIMITS.maxBodyBytes) =>
  new ProblemError({
    status: 413,
    title: 'Payload too large',
    detail: `this body may be at most ${maxBytes} bytes`,
    headers: { Connection: 'close' },
  });

/** A 408 for a body that did not arrive in time; the connection is closed with it. */
export const tooSlow = (timeoutMs: number) =>
  new ProblemError({
    status: 408,
    title: 'Request timeout',
    detail: `the request body did not arrive within ${timeoutMs} ms`,
    headers: { Connection: 'close' },
  });

const unreadable = (cause: unknown) =>
  new ProblemError({
    status: 400,
    title: 'Unreadable body',
    detail: 'the request body could not be read to its end',
    cause,
  });

/** The bytes a request declares, or undefined when it is chunked. */
export function declaredLength(c: Context): number | undefined {
  const header = c.req.header('content-length');
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** Reads a body without a Content-Length, stopping at the size limit. */
async function readCapped(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Settles with `read`, or rejects with 408 once `timeoutMs` have passed. */
async function withinTime<T>(read: Promise<T>, timeoutMs: number, onLate: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onLate();
      reject(tooSlow(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The body as text, at most `maxBytes`, arrived within `timeoutMs`. A declared length is checked
 * before anything is read (the HTTP parser then stops at it) and the server's direct read is
 * used; only a chunked body goes through a stream, counted as it arrives. The text is kept as
 * the request's body, so a later read (or a Hono validator) gets this bounded copy.
 */
export async function readBodyText(
  c: Context,
  limits: BodyLimits = REPORT_BODY_LIMITS,
): Promise<string> {
  const cache = c.req.bodyCache as { text?: Promise<string> };
  if (cache.text) return cache.text;
  const declared = declaredLength(c);
  if (declared !== undefined && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  try {
    let text: string;
    if (declared !== undefined) {
      text = await withinTime(c.req.text(), limits.timeoutMs, () => {});
    } else {
      const reader = c.req.raw.body?.getReader();
      text = reader
        ? await withinTime(readCapped(reader, limits.maxBytes), limits.timeoutMs, () => {
            reader.cancel().catch(() => {});
          })
        : '';
    }
    cache.text = Promise.resolve(text);
    return text;
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw unreadable(error);
  }
}

/** The body parsed as JSON, with a 400 that says why when it is empty or malformed. */
export async function readJsonBody(c: Context, limits?: BodyLimits): Promise<unknown> {
  const text = await readBodyText(c, limits);
  if (text.trim() === '') {
    throw new ProblemError({
      status: 400,
      title: 'Invalid request',
      detail: 'the request body is empty',
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'malformed';
    throw new ProblemError({
      status: 400,
      title: 'Invalid JSON',
      detail: `the body is not valid JSON: ${reason.slice(0, 200)}`,
      cause: error,
    });
  }
}
