import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import {
  brotliDecompress,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  gunzip,
  inflate,
} from 'node:zlib';
import type { Context } from 'hono';
import { ProblemError } from '../errors.js';
import { declaredLength, tooSlow } from './read-body.js';

const DECODERS = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
} as const;

type Decode = (buffer: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;

const WHOLE_DECODERS: Record<keyof typeof DECODERS, Decode> = {
  gzip: promisify(gunzip) as Decode,
  'x-gzip': promisify(gunzip) as Decode,
  deflate: promisify(inflate) as Decode,
  br: promisify(brotliDecompress) as Decode,
};

/** Bounds of a body read by `decodedBody`. */
export interface DecodeLimits {
  timeoutMs: number;
  /** A body declaring at most this many bytes is read whole, the fast way; a larger one streams. */
  wholeUpTo: number;
}

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

/** Settles with `read`, or rejects with 408 once `timeoutMs` have passed. */
async function withinTime<T>(read: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooSlow(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request body as decoded chunks (gzip, deflate and brotli, as Sentry's SDKs send them). A body
 * that declares a small length (what SDKs send) is read and decoded whole, without a stream;
 * any other is streamed, so the caller's own bound, where it stops reading, also bounds what a
 * small compressed body can expand to. Reading past `timeoutMs` is a 408.
 */
export async function* decodedBody(c: Context, limits: DecodeLimits): AsyncGenerator<Buffer> {
  const { timeoutMs } = limits;
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  const identity = encoding === 'identity' || encoding === '';
  if (!identity && !Object.hasOwn(DECODERS, encoding)) throw unsupported(encoding);
  const declared = declaredLength(c);
  if (declared !== undefined && declared <= limits.wholeUpTo) {
    let raw: Buffer;
    try {
      raw = Buffer.from(await withinTime(c.req.arrayBuffer(), timeoutMs));
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      throw new ProblemError({
        status: 400,
        title: 'Unreadable body',
        detail: 'the request body could not be read to its end',
        cause: error,
      });
    }
    if (identity) {
      yield raw;
      return;
    }
    const decode = WHOLE_DECODERS[encoding as keyof typeof DECODERS];
    try {
      yield await decode(raw, { maxOutputLength: limits.wholeUpTo });
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') {
        throw undecodable(encoding, error);
      }
    }
    // It expands past what is held whole: decode it again as a stream, read to the caller's bound.
    yield* decodedStream(Readable.from([raw]), encoding, timeoutMs);
    return;
  }
  const body = c.req.raw.body;
  if (!body) return;
  yield* decodedStream(
    Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>),
    identity ? 'identity' : encoding,
    timeoutMs,
  );
}

/** The chunks of `raw` decoded as `encoding`, within `timeoutMs`. */
async function* decodedStream(
  raw: Readable,
  encoding: string,
  timeoutMs: number,
): AsyncGenerator<Buffer> {
  let source = raw;
  if (encoding !== 'identity') {
    const decoder = DECODERS[encoding as keyof typeof DECODERS];
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
    if (encoding !== 'identity') throw undecodable(encoding, error);
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
