import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Context } from 'hono';
import { ProblemError } from '../errors.js';
import { tooSlow } from './read-body.js';

const DECODERS = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
} as const;

const unsupported = (encoding: string) =>
  new ProblemError({
    status: 415,
    title: 'Unsupported encoding',
    detail: `Content-Encoding ${encoding.slice(0, 64)} is not supported; send identity, gzip, deflate or br`,
  });

const undecodable = (encoding: string, cause: unknown) =>
  new ProblemError({
    status: 400,
    title: 'Invalid body',
    detail: `the body is not valid ${encoding} data`,
    cause,
  });

/**
 * A request body as decoded chunks (gzip, deflate and brotli, as Sentry's SDKs send them). The
 * caller stops reading at its own bound, which then also bounds what a small compressed body can
 * expand to; reading past `timeoutMs` is a 408.
 */
export async function* decodedBody(c: Context, timeoutMs: number): AsyncGenerator<Buffer> {
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  const body = c.req.raw.body;
  if (!body) return;
  let source: Readable = Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>);
  if (encoding !== 'identity' && encoding !== '') {
    const decoder = DECODERS[encoding as keyof typeof DECODERS];
    if (!decoder) {
      source.destroy();
      throw unsupported(encoding);
    }
    const raw = source;
    source = raw.pipe(decoder());
    raw.once('error', (error) => source.destroy(error));
  }
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    source.destroy(tooSlow(timeoutMs));
  }, timeoutMs);
  try {
    for await (const chunk of source) yield chunk as Buffer;
  } catch (error) {
    if (late) throw tooSlow(timeoutMs);
    if (error instanceof ProblemError) throw error;
    if (encoding !== 'identity' && encoding !== '') throw undecodable(encoding, error);
    throw new ProblemError({
      status: 400,
      title: 'Unreadable body',
      detail: 'the request body could not be read to its end',
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    source.destroy();
  }
}
