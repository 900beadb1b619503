/**
 * Each rule is a cheap hint, checked first so clean text skips the full pattern, and a global
 * pattern. Every unbounded run starts after a character outside its own class (captured as
 * `before`, since lookbehind is missing in older Safari), so no pattern rescans a run: linear time.
 */
type Rule = readonly [
  hint: RegExp,
  pattern: RegExp,
  replace: (match: string, ...groups: string[]) => string,
];

const SENSITIVE_PARAM =
  '(?:access_|refresh_|id_|auth_)?token|api[_-]?key|apikey|key|password|passwd|pwd|pass|secret|client_secret|auth|authorization|signature|sig|code|session(?:_?id)?|sid|jwt|card(?:_?number)?|cc|cvv|cvc|x-amz-(?:signature|credential|security-token)';

const USERINFO: Rule = [/:\/\/[^\s/?#]*@/, /:\/\/[^\s/?#@]+@/g, () => '://[secret]@'];
const URL_PARAMS: Rule = [
  /[?&#;][\w-]+=/,
  new RegExp(`([?&#;])(${SENSITIVE_PARAM})=[^&#\\s"'<>]+`, 'gi'),
  (_match, before, name) => `${before}${name}=[secret]`,
];
const EMAIL: Rule = [
  /@/,
  /(^|[^\w.+-])[\w.+-]{1,64}@(?:[a-z\d-]{1,63}\.){1,8}[a-z]{2,24}(?![\w-])/gi,
  (_match, before) => `${before}[email]`,
];
const JWT: Rule = [
  /eyJ/,
  /(^|[^\w-])eyJ[\w-]+\.[\w-]+\.[\w-]*/g,
  (_match, before) => `${before}[jwt]`,
];
const BEARER: Rule = [
  /bearer|basic/i,
  /\b(Bearer|Basic)(\s+)([\w~+/.=-]{8,})/gi,
  // `Bearer authentication` is prose; a credential has a digit, a symbol or mixed case.
  (match, scheme, space, token) =>
    /[\d=+/.~]|[A-Z]/.test(token.slice(1)) ? `${scheme}${space}[token]` : match,
];
// `sh[aps]_` are our own project, admin and service keys.
const API_KEY: Rule = [
  /sk[-_]|pk_|rk_|sh[aps]_|A[KS]IA|gh[pousr]_|github_pat_|xox|AIza|glpat-/,
  /(^|[^\w-])(?:[spr]k_(?:live|test)_[A-Za-z\d]{8,}|sh[aps]_[\w-]{20,}|sk-[\w-]{20,}|A[KS]IA[A-Z\d]{16}|gh[pousr]_[A-Za-z\d]{30,}|github_pat_\w{22,}|xox[abposr]-[A-Za-z\d-]{10,}|AIza[\w-]{35}|glpat-[\w-]{20,})(?![\w-])/g,
  (_match, before) => `${before}[key]`,
];
const ASSIGNMENT: Rule = [
  /key|token|pass|pwd|secret|auth|session|cookie/i,
  /(api[_-]?key|apikey|access[_-]?key|private[_-]?key|secret[_-]?key|(?:access|refresh|auth|id)[_-]?token|token|password|passwd|pwd|client[_-]?secret|secret|authorization|session[_-]?id|cookie)(["']?\s{0,8}[:=]\s{0,8}["']?)([^\s"'&,;}\]]+)/gi,
  (match, name, separator, value) =>
    /^(?:Bearer|Basic|\[)/i.test(value) ? match : `${name}${separator}${placeholderFor(name)}`,
];
// Contiguous digits, 4-4-4-4(-3) groups, or Amex/Diners 4-6-5 and 4-6-4, one separator throughout.
const CARD: Rule = [
  /\d{4}/,
  /(^|\D)(?:[2-6]\d{12,18}|[2-6]\d{3}([ -])\d{4}\2\d{4}\2\d{4}(?:\2\d{3})?|3\d{3}([ -])\d{6}\3\d{4,5})(?!\d)/g,
  (match, before) => (isCardNumber(match.slice(before.length)) ? `${before}[card]` : match),
];

// A body stops at the next run of five dashes, so a BEGIN with no END (cut text) is redacted
// up to there and repeated BEGINs are not rescanned.
const PEM: Rule = [
  /-----BEGIN/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*(?:-{1,4}[^-]+)*(?:-----END [A-Z ]*PRIVATE KEY-----)?/g,
  () => '[private key]',
];
// A run before `/` is a product version (`Chrome/120.0.0.0`); after `//` it is a URL's host.
const IPV4: Rule = [
  /\d\.\d{1,3}\.\d/,
  /(^|\/\/|[^\w./])(\d{1,3}(?:\.\d{1,3}){3})(?!\.?\w)/g,
  (match, before, ip) =>
    /^(?:127|0)\./.test(ip) || ip.split('.').some((octet) => +octet > 255)
      ? match
      : `${before}[ip]`,
];
// Loose (bounded) candidates, checked by `isIpv6`: times and MAC addresses have too few groups.
const IPV6: Rule = [
  /::|:[\da-f]{1,4}:[\da-f]{1,4}:/i,
  /(^|[^\w:.])([\da-f]{0,4}(?::[\da-f]{0,4}){2,7})(?![\w:]|\.\d)/gi,
  (match, before, ip) => (isIpv6(ip) ? `${before}[ip]` : match),
];
// `+` and 8-15 digits; (415) 555-2671 or 415-555-2671; or a trunk 0 and groups (020 7946 0958).
// Nine digits at least, so dates (01/02/2024), times and short ids stay.
const PHONE: Rule = [
  /\+\d|\d[ ./-]\d{2,}[ ./-]?\d/,
  /(^|[^\w+.-])(\+(?:\d[ .()-]{0,2}){7,14}\d|\(\d{3}\) ?\d{3}[-.]\d{4}|\d{3}([ .-])\d{3}\3\d{4}|0\d{1,4}([ /-])\d{2,8}(?:\4\d{2,4}){0,3})(?![\w-]|\.\d)/g,
  (match, before, phone) => (phone.replace(/\D/g, '').length > 8 ? `${before}[phone]` : match),
];

const URL_RULES: readonly Rule[] = [USERINFO, URL_PARAMS, JWT, API_KEY, EMAIL, IPV4, IPV6, PHONE];
// Rules that see the most context go first, so later ones find only what is left.
const TEXT_RULES: readonly Rule[] = [
  PEM,
  USERINFO,
  URL_PARAMS,
  BEARER,
  JWT,
  API_KEY,
  ASSIGNMENT,
  EMAIL,
  IPV4,
  IPV6,
  // Before cards: `+` and thirteen digits is a phone number even when it passes Luhn.
  PHONE,
  CARD,
];

const SENSITIVE_KEY =
  /passw(?:or)?d|^pwd$|^pass$|passphrase|secret|token|^auth$|authori[sz]ation|cookie|api[_-]?key|access[_-]?key|private[_-]?key|session|credential|^card(?:[_-]?number)?$|^cvc$|^cvv$|signature|^sig$|jwt|csrf|xsrf/i;
const DEFAULT_DEPTH = 8;
const FILTERED = '[Filtered]';

/**
 * Text with e-mail addresses, tokens, keys (ours: `shp_`, `sha_`, `shs_`), PEM private keys, card
 * numbers, IP addresses, phone numbers and URL credentials replaced by placeholders. Loopback and
 * unspecified addresses (`127.x`, `0.x`, `::1`) are kept: they name this machine, never a client,
 * and `ECONNREFUSED 127.0.0.1:5432` is a diagnosis. Every other address is redacted, private
 * ranges too, since a proxy's `X-Forwarded-For` may carry a client's.
 */
export function scrub(text: string): string {
  return apply(text, TEXT_RULES);
}

/** A URL with its userinfo, sensitive parameters, tokens, keys, addresses and phone numbers replaced. */
export function scrubUrl(url: string): string {
  // Card numbers are left to `scrub`: long numeric ids in paths would be mangled by the Luhn rule.
  return apply(url, URL_RULES);
}

/**
 * A deep copy with every string scrubbed and the values of sensitive-looking keys filtered.
 * `clean`, when given, is applied to every string and key first, in the same pass.
 */
export function scrubData(
  value: unknown,
  depth = DEFAULT_DEPTH,
  clean: (text: string) => string = same,
): unknown {
  return copy(value, depth, new Set(), clean);
}

const same = (text: string) => text;

function apply(text: string, rules: readonly Rule[]): string {
  let result = text;
  for (const [hint, pattern, replace] of rules) {
    if (hint.test(result)) result = result.replace(pattern, replace);
  }
  return result;
}

function placeholderFor(name: string): string {
  const lower = name.toLowerCase();
  if (lower.includes('key')) return '[key]';
  return lower.includes('token') ? '[token]' : '[secret]';
}

function isIpv6(candidate: string): boolean {
  const halves = candidate.split('::').length;
  const groups = candidate.split(':').filter(Boolean).length;
  // A digit tells an address from hex words (`add::face`); Node writes loopback with its port
  // as `::1:6379`.
  if (!/\d/.test(candidate) || /^::1(?::|$)/.test(candidate) || halves > 2) return false;
  return halves === 2 ? groups < 8 : groups === 8 && !/^:|:$/.test(candidate);
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

function copy(
  value: unknown,
  depth: number,
  ancestors: Set<object>,
  clean: (text: string) => string,
): unknown {
  if (typeof value === 'string') return scrub(clean(value));
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  // JSON.stringify throws on a bigint, and the copy is bound for the wire.
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth <= 0) return '[MaxDepth]';
  ancestors.add(value);
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (Array.isArray(value)) return value.map((item) => copy(item, depth - 1, ancestors, clean));
    // An error's name, message and stack are not own enumerable keys; its `code` or `port` are.
    const source: Record<string, unknown> =
      value instanceof Error
        ? { ...value, name: value.name, message: value.message, stack: value.stack }
        : (value as Record<string, unknown>);
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const copied = SENSITIVE_KEY.test(key)
        ? FILTERED
        : copyProperty(source, key, depth - 1, ancestors, clean);
      // Plain assignment of a `__proto__` key would swap the copy's prototype instead.
      Object.defineProperty(result, clean(key), {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  } catch {
    // A revoked proxy or a throwing `ownKeys` trap must not take the agent down with it.
    return '[Unreadable]';
  } finally {
    ancestors.delete(value);
  }
}

function copyProperty(
  source: Record<string, unknown>,
  key: string,
  depth: number,
  ancestors: Set<object>,
  clean: (text: string) => string,
): unknown {
  try {
    return copy(source[key], depth, ancestors, clean);
  } catch {
    // Only this key is lost when its getter throws; its siblings are still copied.
    return '[Unreadable]';
  }
}
