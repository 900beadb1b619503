import { describe, expect, it } from 'vitest';
import { scrub, scrubData, scrubUrl } from './scrub.js';
import { scrubPageData, scrubPageText, scrubPageUrl } from './scrub-core.js';

const OUR_KEY = 'Qm9vdHN0cmFwLXNlY3JldC0xMjM0NTY3ODkwYWI';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----';

/** What the page removes before an event leaves it. */
const PAGE_REDACTS: Array<[string, string]> = [
  ['Contact alice@example.com for help', 'Contact [email] for help'],
  ['Authorization: Bearer abc123.def456-ghi', 'Authorization: Bearer [token]'],
  [`token ${JWT} rejected`, 'token [jwt] rejected'],
  ['stripe key sk_live_4eC39HqLyjWDarjtT1zdp7dc leaked', 'stripe key [key] leaked'],
  [`project key shp_${OUR_KEY} rejected`, 'project key [key] rejected'],
  ['{"password":"hunter2","user":"x"}', '{"password":"[secret]","user":"x"}'],
  ['card 4111 1111 1111 1111 declined', 'card [card] declined'],
  [
    'GET https://admin:hunter2@db.example.com/x?access_token=zzz failed',
    'GET https://[secret]@db.example.com/x?access_token=[secret] failed',
  ],
];

/** What only the collector removes: the page leaves it, and the collector scrubs it on ingest. */
const COLLECTOR_ONLY: Array<[string, string]> = [
  [`config ${PEM} loaded`, 'config [private key] loaded'],
  [`{"private_key":"${PEM.replaceAll('\n', '\\n')}"}`, '{"private_key":"[private key]"}'],
  ['client 203.0.113.7 blocked', 'client [ip] blocked'],
  ['from 2001:db8:85a3::8a2e:370:7334 denied', 'from [ip] denied'],
  ['call me at +1 415 555 2671 today', 'call me at [phone] today'],
  ['office (415) 555-2671', 'office [phone]'],
];

describe('scrubPageText', () => {
  it.each(PAGE_REDACTS)('redacts %j', (input, expected) => {
    expect(scrubPageText(input)).toBe(expected);
    expect(scrub(input)).toBe(expected);
  });

  it.each(COLLECTOR_ONLY)('leaves %j to the collector', (input, expected) => {
    expect(scrubPageText(input)).toBe(input);
    expect(scrub(input)).toBe(expected);
  });

  it.each([...PAGE_REDACTS, ...COLLECTOR_ONLY])(
    '%j is stored as the collector alone would store it',
    (input, expected) => {
      expect(scrub(scrubPageText(input))).toBe(expected);
    },
  );

  it('sends a phone number that passes Luhn as a card: redacted, under another name', () => {
    expect(scrub(scrubPageText('phone=+4915112345678'))).toBe('phone=+[card]');
    expect(scrub('phone=+4915112345678')).toBe('phone=[phone]');
  });

  it.each<string>([
    "TypeError: Cannot read properties of undefined (reading 'map')",
    'at handleClick (https://app.example.com/assets/index-3f9a2b1c.js:10:5)',
    'connect ECONNREFUSED 127.0.0.1:5432',
    'order 1234567890123456 not found',
    'Bearer token missing',
  ])('keeps %j', (input) => {
    expect(scrubPageText(input)).toBe(input);
  });
});

describe('scrubPageUrl', () => {
  it.each<[string, string]>([
    ['https://user:pass@x.com/a', 'https://[secret]@x.com/a'],
    ['https://x.com/a?token=abc&b=1', 'https://x.com/a?token=[secret]&b=1'],
    ['https://x.com/u/alice@example.com', 'https://x.com/u/[email]'],
    [`https://x.com/a?k=shp_${OUR_KEY}`, 'https://x.com/a?k=[key]'],
    ['https://x.com/orders/4111111111111111', 'https://x.com/orders/4111111111111111'],
  ])('%s → %s', (url, expected) => {
    expect(scrubPageUrl(url)).toBe(expected);
    expect(scrubUrl(url)).toBe(expected);
  });

  it('leaves addresses and phone numbers to the collector', () => {
    const url = 'http://203.0.113.7:8080/users/+14155552671';
    expect(scrubPageUrl(url)).toBe(url);
    expect(scrubUrl(scrubPageUrl(url))).toBe('http://[ip]:8080/users/[phone]');
  });
});

describe('scrubPageData', () => {
  it('scrubs strings with the page rules and filters sensitive keys', () => {
    const input = {
      user: { email: 'alice@example.com', password: 'hunter2', ip: '203.0.113.7' },
      list: ['card 4111 1111 1111 1111', 42, null],
      Cookie: 'sid=1',
    };
    expect(scrubPageData(input)).toEqual({
      user: { email: '[email]', password: '[Filtered]', ip: '203.0.113.7' },
      list: ['card [card]', 42, null],
      Cookie: '[Filtered]',
    });
    expect(scrubData(scrubPageData(input))).toEqual(scrubData(input));
  });

  it('marks cycles and survives throwing getters, as scrubData does', () => {
    const node: Record<string, unknown> = {
      get bad(): unknown {
        throw new Error('nope');
      },
    };
    node.self = node;
    expect(scrubPageData(node)).toEqual({ bad: '[Unreadable]', self: '[Circular]' });
  });
});
