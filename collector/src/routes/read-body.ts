import { LIMITS } from '@selfheal/shared/protocol';
import type { Context } from 'hono';
import { ProblemError } from '../errors.js';

/** A 413; the rest of the body is never read, so the connection cannot carry another request. */
export const tooLarge = () =>
  new ProblemError({
    status: 413,
    title: 'Payload too large',
    detail: `a report body may be at most ${LIMITS.maxBodyBytes} bytes`,
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
async function readCapped(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > LIMITS.maxBodyBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The body as text, at most `LIMITS.maxBodyBytes`. A declared length is checked before anything
 * is read (the HTTP parser then stops at it) and the server's direct read is used; only a
 * chunked body goes through a stream, counted as it arrives.
 */
export async function readBodyText(c: Context): Promise<string> {
  const declared = declaredLength(c);
  if (declared !== undefined && declared > LIMITS.maxBodyBytes) throw tooLarge();
  try {
    if (declared !== undefined) return await c.req.text();
    const body = c.req.raw.body;
    return body ? await readCapped(body) : '';
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw unreadable(error);
  }
}

/** The body parsed as JSON, with a 400 that says why when it is empty or malformed. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await readBodyText(c);
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
