import {
  API_KEY,
  ASSIGNMENT,
  applyRules,
  BEARER,
  CARD,
  copyScrubbed,
  DEFAULT_DEPTH,
  EMAIL,
  JWT,
  type Rule,
  scrubPageUrl,
  URL_PARAMS,
  USERINFO,
} from './scrub-core.js';

/**
 * The collector's scrubbing: the page's rules (`scrub-core.ts`) and the heavier ones a page does
 * not ship, PEM private keys, IP addresses and phone numbers. Every stored string passes here.
 */

// A body stops at the next run of five dashes, so a BEGIN with no END (cut text) is redacted
// up to there and repeated BEGINs are not rescanned.
const PEM: Rule = [
  /-----BEGIN/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*(?:-{1,4}[^-]+)*(?:-----END [A-Z ]*PRIVATE KEY-----)?/g,
  () => '[private key]',
];
// A run before `/` is a product version (`Chrome/120.0.0.0`); after `//` it is a URL's host.
// The hint skips loopback, so `ECONNREFUSED 127.0.0.1:5432` costs no replace.
const IPV4: Rule = [
  /(?:^|[^\w.])(?!127\.|0\.)\d{1,3}\.\d{1,3}\.\d/,
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
];
const ADDRESS_RULES: readonly Rule[] = [IPV4, IPV6, PHONE];
// One scan, instead of three hints, skips all three on text with no address, most stacks among
// it: a dotted number (implied by the IPv4 hint, which then also skips loopback) or the other hints.
const ADDRESS_HINT = new RegExp(`\\d\\.\\d{1,3}\\.\\d|${IPV6[0].source}|${PHONE[0].source}`, 'i');
// After addresses: `+` and thirteen digits is a phone number even when it passes Luhn.
const CARD_RULES: readonly Rule[] = [CARD];

/**
 * Texts that the rules left as they were, so that a repeat (the same message, stack, URL or
 * release from many clients) skips them. Only unchanged text is remembered, so no secret is
 * kept. At most `maxChars` characters in all and texts of at most `maxLength`; when full, it
 * starts over.
 */
export class CleanTexts {
  private seen = new Set<string>();
  private chars = 0;

  constructor(
    private readonly maxChars: number,
    private readonly maxLength: number,
  ) {}

  has(text: string): boolean {
    return text.length <= this.maxLength && this.seen.has(text);
  }

  add(text: string): void {
    if (text.length > this.maxLength) return;
    if (this.chars + text.length > this.maxChars) {
      this.seen = new Set();
      this.chars = 0;
    }
    this.seen.add(text);
    this.chars += text.length;
  }
}

// About 4 MB each at most. V8 hashes a string once and keeps the hash; past 4 KB a stack is
// rarely repeated whole, and its hash would cost as much as a scan.
const CLEAN_TEXT = new CleanTexts(2_000_000, 4_096);
const CLEAN_URLS = new CleanTexts(1_000_000, 2_048);

/**
 * Text with e-mail addresses, tokens, keys (ours: `shp_`, `sha_`, `shs_`), PEM private keys, card
 * numbers, IP addresses, phone numbers and URL credentials replaced by placeholders. Loopback and
 * unspecified addresses (`127.x`, `0.x`, `::1`) are kept: they name this machine, never a client,
 * and `ECONNREFUSED 127.0.0.1:5432` is a diagnosis. Every other address is redacted, private
 * ranges too, since a proxy's `X-Forwarded-For` may carry a client's.
 */
export function scrub(text: string): string {
  if (CLEAN_TEXT.has(text)) return text;
  const scrubbed = applyRules(scrubAddresses(applyRules(text, TEXT_RULES)), CARD_RULES);
  if (scrubbed === text) CLEAN_TEXT.add(text);
  return scrubbed;
}

/** A URL with its userinfo, sensitive parameters, tokens, keys, addresses and phone numbers replaced. */
export function scrubUrl(url: string): string {
  if (CLEAN_URLS.has(url)) return url;
  // Card numbers are left to `scrub`: long numeric ids in paths would be mangled by the Luhn rule.
  const scrubbed = scrubAddresses(scrubPageUrl(url));
  if (scrubbed === url) CLEAN_URLS.add(url);
  return scrubbed;
}

/**
 * A deep copy with every string scrubbed and the values of sensitive-looking keys filtered.
 * `clean`, when given, is applied to every string and key first, in the same pass.
 */
export function scrubData(
  value: unknown,
  depth = DEFAULT_DEPTH,
  clean?: (text: string) => string,
): unknown {
  return copyScrubbed(value, depth, scrub, clean);
}

function scrubAddresses(text: string): string {
  return ADDRESS_HINT.test(text) ? applyRules(text, ADDRESS_RULES) : text;
}

function isIpv6(candidate: string): boolean {
  const halves = candidate.split('::').length;
  const groups = candidate.split(':').filter(Boolean).length;
  // A digit tells an address from hex words (`add::face`); Node writes loopback with its port
  // as `::1:6379`.
  if (!/\d/.test(candidate) || /^::1(?::|$)/.test(candidate) || halves > 2) return false;
  return halves === 2 ? groups < 8 : groups === 8 && !/^:|:$/.test(candidate);
}
