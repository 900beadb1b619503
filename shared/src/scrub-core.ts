/**
 * The scrubbing rules a page applies before an event leaves it, and the walk that copies data.
 * The collector's `scrub` (`scrub.ts`) applies these and heavier ones (PEM keys, addresses, phone
 * numbers) to everything it stores, so the page ships only the rules that matter most there.
 *
 * Each rule is a cheap hint, checked first so clean text skips the full pattern, and a global
 * pattern. Every unbounded run starts after a character outside its own class (captured as
 * `before`, since lookbehind is missing in older Safari), so no pattern rescans a run: linear time.
 */
export type Rule = readonly [
  hint: RegExp,
  pattern: RegExp,
  replace: (match: string, ...groups: string[]) => string,
];

export const USERINFO: Rule = [/:\/\/[^\s/?#]*@/, /:\/\/[^\s/?#@]+@/g, () => '://[secret]@'];
export const URL_PARAMS: Rule = [
  /[?&#;][\w-]+=/,
  /([?&#;])((?:access_|refresh_|id_|auth_)?token|api[_-]?key|apikey|key|password|passwd|pwd|pass|secret|client_secret|auth|authorization|signature|sig|code|session(?:_?id)?|sid|jwt|card(?:_?number)?|cc|cvv|cvc|x-amz-(?:signature|credential|security-token))=[^&#\s"'<>]+/gi,
  (_match, before, name) => `${before}${name}=[secret]`,
];
export const EMAIL: Rule = [
  /@/,
  /(^|[^\w.+-])[\w.+-]{1,64}@(?:[a-z\d-]{1,63}\.){1,8}[a-z]{2,24}(?![\w-])/gi,
  (_match, before) => `${before}[email]`,
];
export const JWT: Rule = [
  /eyJ/,
  /(^|[^\w-])eyJ[\w-]+\.[\w-]+\.[\w-]*/g,
  (_match, before) => `${before}[jwt]`,
];
export const BEARER: Rule = [
  /bearer|basic/i,
  /\b(Bearer|Basic)(\s+)([\w~+/.=-]{8,})/gi,
  // `Bearer authentication` is prose; a credential has a digit, a symbol or mixed case.
  (match, scheme, space, token) =>
    /[\d=+/.~]|[A-Z]/.test(token.slice(1)) ? `${scheme}${space}[token]` : match,
];
// `sh[aps]_` are our own project, admin and service keys.
export const API_KEY: Rule = [
  /sk[-_]|pk_|rk_|sh[aps]_|A[KS]IA|gh[pousr]_|github_pat_|xox|AIza|glpat-/,
  /(^|[^\w-])(?:[spr]k_(?:live|test)_[A-Za-z\d]{8,}|sh[aps]_[\w-]{20,}|sk-[\w-]{20,}|A[KS]IA[A-Z\d]{16}|gh[pousr]_[A-Za-z\d]{30,}|github_pat_\w{22,}|xox[abposr]-[A-Za-z\d-]{10,}|AIza[\w-]{35}|glpat-[\w-]{20,})(?![\w-])/g,
  (_match, before) => `${before}[key]`,
];
export const ASSIGNMENT: Rule = [
  /key|token|pass|pwd|secret|auth|session|cookie/i,
  /(api[_-]?key|apikey|access[_-]?key|private[_-]?key|secret[_-]?key|(?:access|refresh|auth|id)[_-]?token|token|password|passwd|pwd|client[_-]?secret|secret|authorization|session[_-]?id|cookie)(["']?\s{0,8}[:=]\s{0,8}["']?)([^\s"'&,;}\]]+)/gi,
  // A PEM key (`"private_key":"-----BEGIN …`) is left whole for the collector's PEM rule: cut
  // after its first word, its body would no longer look like a key.
  (match, name, separator, value) =>
    /^(?:Bearer|Basic|\[|-----)/i.test(value)
      ? match
      : `${name}${separator}${placeholderFor(name)}`,
];
// Contiguous digits, 4-4-4-4(-3) groups, or Amex/Diners 4-6-5 and 4-6-4, one separator throughout.
export const CARD: Rule = [
  /\d{4}/,
  /(^|\D)(?:[2-6]\d{12,18}|[2-6]\d{3}([ -])\d{4}\2\d{4}\2\d{4}(?:\2\d{3})?|3\d{3}([ -])\d{6}\3\d{4,5})(?!\d)/g,
  (match, before) => (isCardNumber(match.slice(before.length)) ? `${before}[card]` : match),
];

const PAGE_URL_RULES: readonly Rule[] = [USERINFO, URL_PARAMS, JWT, API_KEY, EMAIL];
// Rules that see the most context go first, so later ones find only what is left.
const PAGE_TEXT_RULES: readonly Rule[] = [
  USERINFO,
  URL_PARAMS,
  BEARER,
  JWT,
  API_KEY,
  ASSIGNMENT,
  EMAIL,
  CARD,
];

const SENSITIVE_KEY =
  /passw(?:or)?d|^pwd$|^pass$|passphrase|secret|token|^auth$|authori[sz]ation|cookie|api[_-]?key|access[_-]?key|private[_-]?key|session|credential|^card(?:[_-]?number)?$|^cvc$|^cvv$|signature|^sig$|jwt|csrf|xsrf/i;
/** How deep `scrubPageData` copies, and `scrubData` unless told. */
export const DEFAULT_DEPTH = 8;
const FILTERED = '[Filtered]';

/**
 * Text with e-mail addresses, tokens, keys (ours: `shp_`, `sha_`, `shs_`), card numbers and URL
 * credentials replaced by placeholders: what a page removes before an event leaves it.
 */
export function scrubPageText(text: string): string {
  return applyRules(text, PAGE_TEXT_RULES);
}

/** A URL with its userinfo, sensitive parameters, tokens and keys replaced, as a page sends it. */
export function scrubPageUrl(url: string): string {
  // Card numbers are left to the text rules: long numeric ids in paths would be mangled by Luhn.
  return applyRules(url, PAGE_URL_RULES);
}

/** A deep copy with every string scrubbed by `scrubPageText` and sensitive keys filtered. */
export function scrubPageData(value: unknown): unknown {
  return copyScrubbed(value, DEFAULT_DEPTH, scrubPageText);
}

/** `text` with each rule whose hint matches applied in turn. */
export function applyRules(text: string, rules: readonly Rule[]): string {
  let result = text;
  for (const [hint, pattern, replace] of rules) {
    if (hint.test(result)) result = result.replace(pattern, replace);
  }
  return result;
}

const same = (text: string) => text;

function placeholderFor(name: string): string {
  const lower = name.toLowerCase();
  if (lower.includes('key')) return '[key]';
  return lower.includes('token') ? '[token]' : '[secret]';
}

function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * A deep copy with every string passed through `clean`, then `scrubText`, every key through
 * `clean`, and the values of sensitive-looking keys filtered.
 */
export function copyScrubbed(
  value: unknown,
  depth: number,
  scrubText: (text: string) => string,
  clean: (text: string) => string = same,
): unknown {
  return copy(value, depth, new Set(), scrubText, clean);
}

// Module-level functions, not closures made per call: ingest copies every event's data, and V8
// inlines calls to the same function objects far better.
function copy(
  value: unknown,
  depth: number,
  ancestors: Set<object>,
  scrubText: (text: string) => string,
  clean: (text: string) => string,
): unknown {
  if (typeof value === 'string') return scrubText(clean(value));
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  // JSON.stringify throws on a bigint, and the copy is bound for the wire.
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth <= 0) return '[MaxDepth]';
  ancestors.add(value);
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (Array.isArray(value)) {
      return value.map((item) => copy(item, depth - 1, ancestors, scrubText, clean));
    }
    // An error's name, message and stack are not own enumerable keys; its `code` or `port` are.
    const source: Record<string, unknown> =
      value instanceof Error
        ? { ...value, name: value.name, message: value.message, stack: value.stack }
        : (value as Record<string, unknown>);
    // Each key becomes data, so a `__proto__` key cannot swap the copy's prototype; and unlike
    // `defineProperty` key by key, the copy stays a fast object.
    return Object.fromEntries(
      Object.keys(source).map((name) => [
        clean(name),
        SENSITIVE_KEY.test(name)
          ? FILTERED
          : copyProperty(source, name, depth - 1, ancestors, scrubText, clean),
      ]),
    );
  } catch {
    // A revoked proxy or a throwing `ownKeys` trap must not take the agent down with it.
    return '[Unreadable]';
  } finally {
    ancestors.delete(value);
  }
}

function copyProperty(
  source: Record<string, unknown>,
  name: string,
  depth: number,
  ancestors: Set<object>,
  scrubText: (text: string) => string,
  clean: (text: string) => string,
): unknown {
  try {
    return copy(source[name], depth, ancestors, scrubText, clean);
  } catch {
    // Only this key is lost when its getter throws; its siblings are still copied.
    return '[Unreadable]';
  }
}
