import { sentryEnvelopeHeaderSchema, sentryItemHeaderSchema } from '@selfheal/shared/protocol';
import { ProblemError } from '../errors.js';

/** An item whose payload was kept, to be read by its type. */
export interface EnvelopeItem {
  index: number;
  type: string;
  payload: Buffer;
}

/** One part of an envelope that could not be taken; the rest of the envelope still is. */
export interface EnvelopeProblem {
  /** `header` or `items.N`. */
  field: string;
  status: 400 | 413;
  message: string;
}

/** An envelope read to its end. */
export interface Envelope {
  header: Record<string, unknown>;
  /** Items of the kept types, each within the size bound. */
  items: EnvelopeItem[];
  /** Items of other types: read past, counted, not kept. */
  skipped: Array<{ index: number; type: string; bytes: number }>;
  problems: EnvelopeProblem[];
}

/** How much of an envelope is read and which items are kept. */
export interface EnvelopeLimits {
  /** Most bytes of the whole (decoded) envelope; past it, 413 for all of it. */
  maxBytes: number;
  /** Most bytes of kept payloads, each and together; a larger kept item is refused alone. */
  maxKeptBytes: number;
  /** Item types whose payloads are kept. */
  keep: ReadonlySet<string>;
}

const MAX_HEADER_LINE = 65_536;
const NEWLINE = 0x0a;

type Payload = {
  index: number;
  type: string;
  /** Bytes still to read, or undefined when the payload runs to the next newline. */
  remaining: number | undefined;
  declared: number | undefined;
  keep: boolean;
  oversize: boolean;
  parts: Buffer[];
  size: number;
};

type State =
  /** `afterBad`: the line follows a broken item header, so it is that item's payload unless it reads as a header. */
  | { mode: 'header'; first: boolean; afterBad?: boolean }
  | { mode: 'payload'; item: Payload }
  | { mode: 'newline' };

const tooLarge = (maxBytes: number) =>
  new ProblemError({
    status: 413,
    title: 'Payload too large',
    detail: `an envelope may be at most ${maxBytes} bytes (decoded)`,
    headers: { Connection: 'close' },
  });

/**
 * Reads a Sentry envelope from its chunks: a header line, then items, each a header line and a
 * payload of `length` bytes (or up to the next newline). Nothing is held but the kept payloads:
 * an item of another type, or one over the bound, is read past. A broken item is reported as a
 * problem and reading goes on after it where the framing can be found again (after a bad item
 * header, the next line is its payload unless it reads as an item header), so the other items of
 * the envelope are not lost. A `length` past the end of the envelope is a truncation.
 */
export async function readEnvelope(
  chunks: AsyncIterable<Uint8Array>,
  limits: EnvelopeLimits,
): Promise<Envelope> {
  const envelope: Envelope = { header: {}, items: [], skipped: [], problems: [] };
  let state: State = { mode: 'header', first: true };
  let line: Buffer[] = [];
  let lineSize = 0;
  let total = 0;
  let kept = 0;
  let index = 0;
  let lineTooLong = false;

  const finishItem = (item: Payload) => {
    const field = `items.${item.index}`;
    if (!item.keep) {
      envelope.skipped.push({ index: item.index, type: item.type, bytes: item.size });
    } else if (item.oversize) {
      envelope.problems.push({
        field,
        status: 413,
        message: `a ${item.type} item may be at most ${limits.maxKeptBytes} bytes; this one has ${item.size}`,
      });
    } else {
      kept += item.size;
      envelope.items.push({
        index: item.index,
        type: item.type,
        payload: Buffer.concat(item.parts),
      });
    }
  };

  const onHeaderLine = (text: string, first: boolean, afterBad = false): State => {
    if (first) {
      const parsed = parseJson(text);
      const header = sentryEnvelopeHeaderSchema.safeParse(parsed);
      if (header.success) envelope.header = header.data;
      else
        envelope.problems.push({
          field: 'header',
          status: 400,
          message: 'the envelope header is not a JSON object',
        });
      return { mode: 'header', first: false };
    }
    if (text.trim() === '') return { mode: 'header', first: false };
    const header = sentryItemHeaderSchema.safeParse(parseJson(text));
    if (!header.success && afterBad) return { mode: 'header', first: false };
    const i = index++;
    if (!header.success) {
      envelope.problems.push({
        field: `items.${i}`,
        status: 400,
        message: 'the item header is not a JSON object with a `type` (and an integer `length`)',
      });
      return { mode: 'header', first: false, afterBad: true };
    }
    const declared = header.data.length ?? undefined;
    const keep = limits.keep.has(header.data.type);
    const item: Payload = {
      index: i,
      type: header.data.type,
      remaining: declared,
      declared,
      keep,
      oversize: keep && declared !== undefined && kept + declared > limits.maxKeptBytes,
      parts: [],
      size: 0,
    };
    if (declared === 0) {
      finishItem(item);
      return { mode: 'newline' };
    }
    return { mode: 'payload', item };
  };

  const addToItem = (item: Payload, bytes: Buffer) => {
    item.size += bytes.length;
    if (!item.keep || item.oversize) return;
    if (kept + item.size > limits.maxKeptBytes) {
      item.oversize = true;
      item.parts = [];
      return;
    }
    item.parts.push(bytes);
  };

  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > limits.maxBytes) throw tooLarge(limits.maxBytes);
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (buf.length > 0) {
      if (state.mode === 'newline') {
        if (buf[0] === NEWLINE) buf = buf.subarray(1);
        state = { mode: 'header', first: false };
        continue;
      }
      if (state.mode === 'payload' && state.item.remaining !== undefined) {
        const take = Math.min(state.item.remaining, buf.length);
        addToItem(state.item, buf.subarray(0, take));
        state.item.remaining -= take;
        buf = buf.subarray(take);
        if (state.item.remaining === 0) {
          finishItem(state.item);
          state = { mode: 'newline' };
        }
        continue;
      }
      const end = buf.indexOf(NEWLINE);
      const piece = end < 0 ? buf : buf.subarray(0, end);
      buf = end < 0 ? buf.subarray(buf.length) : buf.subarray(end + 1);
      if (state.mode === 'payload') {
        addToItem(state.item, piece);
        if (end >= 0) {
          finishItem(state.item);
          state = { mode: 'header', first: false };
        }
        continue;
      }
      // A header line, possibly across chunks; a line longer than any header is never held.
      if (!lineTooLong) {
        lineSize += piece.length;
        if (lineSize > MAX_HEADER_LINE) {
          lineTooLong = true;
          line = [];
        } else {
          line.push(piece);
        }
      }
      if (end < 0) continue;
      const first: boolean = state.first;
      const afterBad = state.afterBad === true;
      if (lineTooLong && afterBad) {
        state = { mode: 'header', first: false };
      } else if (lineTooLong) {
        envelope.problems.push({
          field: first ? 'header' : `items.${index++}`,
          status: 400,
          message: `a header line may be at most ${MAX_HEADER_LINE} bytes`,
        });
        state = { mode: 'header', first: false, afterBad: !first };
      } else {
        state = onHeaderLine(Buffer.concat(line).toString('utf8'), first, afterBad);
      }
      line = [];
      lineSize = 0;
      lineTooLong = false;
    }
  }

  // The end of the body: a last line without its newline, or a payload cut short.
  if (state.mode === 'header' && (lineSize > 0 || lineTooLong)) {
    if (lineTooLong && state.afterBad) {
      // The broken item's payload, cut off by the end of the envelope.
    } else if (lineTooLong) {
      envelope.problems.push({
        field: state.first ? 'header' : `items.${index}`,
        status: 400,
        message: `a header line may be at most ${MAX_HEADER_LINE} bytes`,
      });
    } else {
      const next = onHeaderLine(Buffer.concat(line).toString('utf8'), state.first, state.afterBad);
      if (next.mode === 'payload' && next.item.remaining === undefined) {
        finishItem(next.item);
      } else if (next.mode === 'payload') {
        state = next;
      }
    }
  } else if (state.mode === 'header' && state.first && total === 0) {
    throw new ProblemError({
      status: 400,
      title: 'Invalid envelope',
      detail: 'the envelope is empty',
    });
  }
  if (state.mode === 'payload') {
    const { item } = state;
    if (item.remaining === undefined) {
      finishItem(item);
    } else {
      envelope.problems.push({
        field: `items.${item.index}`,
        status: 400,
        message: `truncated: the item header says ${item.declared} bytes, the envelope ends after ${item.size}`,
      });
    }
  }
  return envelope;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
