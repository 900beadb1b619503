import { memoize } from './memo.js';
import type { EventFacts } from './taxonomy.js';

const MAX_MESSAGE = 2048;
const MAX_NORMALIZED = 512;
const MAX_URL = 2048;
const MAX_STACK = 16_384;
const MAX_FRAMES = 64;

const BROWSER_PREFIX =
  /^(?:\s*(?:Uncaught(?: \(in promise\))?:?|Unhandled Promise Rejection:|uncaught exception:)\s*)+/i;
const ERROR_NAME = /^(?:(?:[A-Z][\w$]*)?Error|DOMException)(?: \[[\w-]+\])?: /;
// The scheme is bounded so that a long dotted word cannot make the scan quadratic.
const URL_IN_TEXT = /[a-z][\w+.-]{0,31}:\/\/[^\s'"`<>()]*/gi;
const QUOTED = /(^|\W)(?:"([^"\n]{0,256})"|'([^'\n]{0,256})'|`([^`\n]{0,256})`)(?!\w)/g;
// Quoted text after these words names code (a property, module or variable), not user data.
const CODE_BEFORE =
  /(?:reading|setting|property|properties|module|package|named?|evaluating|declaration|variable|identifier|token|export|import|specifier|function|method|constructor|class|member|field|execute|construct)\s*:?\s*$/i;
const CODE_AFTER =
  /^\s*(?:is not defined|is not a function|before initialization|has already been declared|is read-only|argument|property|option)/;
const TOKENS: readonly (readonly [RegExp, string])[] = [
  [
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w:])/g,
    '<time>',
  ],
  [/\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/[\w.+-]{1,64}@[a-z\d-]{1,63}(?:\.[a-z\d-]{1,63}){1,8}/gi, '<email>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '<ip>'],
  [
    /(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}|::(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}\b/gi,
    '<ip>',
  ],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=\d*[a-f])(?=[a-f]*\d)[0-9a-f]{7,}\b/gi, '<hash>'],
  [/\b\d+\b/g, '<n>'],
];
const ID_RUN = /[\w-]{16,}/g;

const URL_PARTS = /^([a-z][\w+.-]*:)?(?:\/\/([^/?#]*))?([^?#]*)/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const V8_STACK = /^\s*at /m;
const GECKO_FRAME = /^\s*(.*?)@(.*)$/;
const LOCATION = /^(.*?):(\d+)(?::\d+)?$/;
const SKIPPED_FILE =
  /^(?:node:|internal\/|native$|<anonymous>$|\[native code\]$)|\/@selfheal\/|^(?:chrome|moz|safari(?:-web)?)-extension:/i;

/** A 16-hex-char hash that groups events describing the same fault at the same place. */
export function fingerprint(input: EventFacts): string {
  return hash64([input.type, input.kind ?? '', ...identity(input)].join('\u001f'));
}

/** A message with ids, numbers, hashes, times, addresses and quoted user data replaced. */
export function normalizeMessage(message: string): string {
  const text = message
    .slice(0, MAX_MESSAGE)
    .replace(BROWSER_PREFIX, '')
    .replace(ERROR_NAME, '')
    .replace(URL_IN_TEXT, normalizeUrl);
  const unquoted = text.replace(QUOTED, (match, before: string, ...rest: unknown[]) => {
    const offset = rest[3] as number;
    const inner = match.slice(before.length);
    const preceding = text.slice(Math.max(0, offset - 32), offset + before.length);
    const following = text.slice(offset + match.length, offset + match.length + 40);
    const isCode = CODE_BEFORE.test(preceding) || CODE_AFTER.test(following);
    if (!isCode) return `${before}<str>`;
    return before + (inner.includes('/') ? normalizeUrl(inner) : inner);
  });
  return normalizeTokens(unquoted).replace(/\s+/g, ' ').trim().slice(0, MAX_NORMALIZED);
}

/** A URL or path reduced to its shape: no userinfo, port, query or fragment; ids and hashes replaced. */
export function normalizeUrl(url: string): string {
  const trimmed = url.trim().slice(0, MAX_URL).replaceAll('\\', '/');
  const [, scheme = '', authority, path = ''] = URL_PARTS.exec(trimmed) ?? [];
  const lowerScheme = scheme.toLowerCase();
  if (lowerScheme === 'data:') return lowerScheme;
  let host = '';
  if (authority !== undefined) {
    const bare = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '');
    host = `//${bare.toLowerCase().split('.').map(normalizeSegment).join('.')}`;
  }
  const segments = path.split('/').map(normalizeSegment).join('/');
  return lowerScheme + host + (segments.length > 1 ? segments.replace(/\/$/, '') : segments);
}

/**
 * The first stack frame that belongs to the app, as `function file:line`; frames of the agent, of
 * `node:` internals and of native code are skipped. Firefox, Safari, Chrome and Node formats.
 */
export function topFrame(stack: string): string | undefined {
  const text = stack.slice(0, MAX_STACK);
  const isV8 = V8_STACK.test(text);
  const lines = text.split('\n', MAX_FRAMES + 8);
  for (const line of lines) {
    const frame = isV8 ? parseV8(line) : parseGecko(line);
    if (!frame || SKIPPED_FILE.test(frame.file)) continue;
    // Columns are dropped: engines point at different columns of one statement, and within a
    // one-line bundle the message and file still tell faults apart.
    const file = normalizeUrl(frame.file);
    return frame.name ? `${frame.name} ${file}:${frame.line}` : `${file}:${frame.line}`;
  }
  return undefined;
}

type Frame = { name: string; file: string; line: string };

function parseV8(line: string): Frame | undefined {
  const body = line.trim();
  if (!body.startsWith('at ')) return undefined;
  // String search rather than a regex: a lazy-then-greedy pattern is quadratic on long lines.
  const rest = body.slice(3);
  const open = rest.indexOf(' (');
  const named = open >= 0 && rest.endsWith(')');
  let location = named ? rest.slice(open + 2, -1) : rest;
  // `eval at fn (https://x/a.js:1:2), <anonymous>:1:1`: the eval's caller is the useful place.
  if (location.startsWith('eval at ')) location = /\(([^()]*)\)/.exec(location)?.[1] ?? '';
  return toFrame(named ? rest.slice(0, open) : '', location);
}

function parseGecko(line: string): Frame | undefined {
  const match = GECKO_FRAME.exec(line.trim());
  if (!match) return undefined;
  // Firefox writes eval'd code as `https://x/a.js line 2 > eval:1:5`.
  return toFrame(match[1] ?? '', (match[2] ?? '').replace(/ line \d+ > .*?(:\d+:\d+)$/, '$1'));
}

function toFrame(rawName: string, location: string): Frame | undefined {
  const match = LOCATION.exec(location);
  if (!match?.[1] || !match[2]) return undefined;
  return { name: functionName(rawName), file: match[1], line: match[2] };
}

/** The bare function name, so `Object.handleClick`, `async handleClick` and `handleClick` agree. */
function functionName(raw: string): string {
  const name = raw
    .slice(raw.lastIndexOf('*') + 1)
    .replace(/ \[as [^\]]*\]$/, '')
    .replace(/^(?:async |new )+/, '');
  // Safari's `global code` / `module code`, and Firefox's `outer/<` for an anonymous function.
  if (/\s/.test(name) || name.endsWith('<')) return '';
  const last =
    name
      .split(/[./<>]+/)
      .filter(Boolean)
      .at(-1) ?? '';
  return last === 'anonymous' ? '' : last;
}

function normalizeTokens(text: string): string {
  let result = text;
  for (const [pattern, placeholder] of TOKENS) result = result.replace(pattern, placeholder);
  return result.replace(ID_RUN, (run) => (/\d/.test(run) && /[a-z]/i.test(run) ? '<id>' : run));
}

/** One path segment or host label with numbers, uuids, hashes and build hashes in file names replaced. */
function normalizeSegment(segment: string): string {
  if (segment === '' || segment.startsWith('<')) return segment;
  if (/^\d+$/.test(segment)) return '<n>';
  if (UUID.test(segment)) return '<uuid>';
  if (/^[0-9a-f]{7,}$/i.test(segment) && /\d/.test(segment)) return '<hash>';
  if (/^[\w-]{16,}$/.test(segment) && /\d/.test(segment) && /[a-z]/i.test(segment)) return '<id>';
  const dot = segment.indexOf('.');
  let stem = dot > 0 ? segment.slice(0, dot) : segment;
  const rest = dot > 0 ? segment.slice(dot) : '';
  // Vite's `name-HASH8.js`: the hash may hold `-` and `_` and need not hold a digit.
  const tail = stem.slice(-8);
  if (stem.length > 9 && stem.at(-9) === '-' && /^[\w-]{8}$/.test(tail) && /[A-Z\d]/.test(tail)) {
    stem = `${stem.slice(0, -8)}<hash>`;
  }
  return (stem + rest)
    .split(/([.-])/)
    .map((part) => (part.startsWith('<') ? part : hashPart(part)))
    .join('');
}

function hashPart(part: string): string {
  if (/^\d+$/.test(part)) return '<n>';
  if (part.length >= 5 && /^\w+$/.test(part) && /\d/.test(part) && /[a-z]/i.test(part)) {
    return '<hash>';
  }
  // esbuild names chunks `chunk-HASH8.js` with an upper-case base32 hash that may lack digits.
  return /^[A-Z\d]{8}$/.test(part) ? '<hash>' : part;
}

/** A 64-bit hash (two 32-bit lanes mixed as in cyrb53) as 16 hex chars; fast, not cryptographic. */
function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

const normalizedMessage = memoize(normalizeMessage);
const cachedTopFrame = memoize(topFrame, 1_000, 16_384);

function identity(input: EventFacts): string[] {
  const data = input.data ?? {};
  const message = normalizedMessage(input.message ?? '');
  switch (input.type) {
    case 'error':
      return [message || asString(data.name), errorLocation(input.stack, data)];
    case 'network':
      return [
        (asString(data.method) || 'GET').toUpperCase(),
        normalizeUrl(asString(data.url) || (input.url ?? '')),
        statusClass(data.status),
      ];
    case 'resource':
      return [
        asString(data.tag),
        normalizeUrl(asString(data.url) || asString(data.src) || (input.url ?? '')),
      ];
    case 'ui':
      return [normalizeTokens(asString(data.selector)) || message];
    case 'performance':
      return [asString(data.metric), normalizeUrl(input.url ?? '')];
    case 'health_check':
      return data.check || data.service
        ? [asString(data.check), asString(data.service)]
        : [message];
    default:
      return [message];
  }
}

function errorLocation(stack: string | undefined, data: Record<string, unknown>): string {
  const frame = stack ? cachedTopFrame(stack) : undefined;
  if (frame) return frame;
  const file = asString(data.filename);
  return file ? `${normalizeUrl(file)}:${asString(data.lineno)}` : '';
}

function statusClass(status: unknown): string {
  const code = Number(status);
  return code >= 100 ? `${Math.floor(code / 100)}xx` : '0';
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
