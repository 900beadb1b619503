import { describe, expect, it } from 'vitest';
import { CleanTexts, scrub, scrubData, scrubUrl } from './scrub.js';

const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'Proc-Type: 4,ENCRYPTED',
  'MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB',
  'aFDrBz9vFqU4yY2q1w==',
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const OUR_KEY = 'Qm9vdHN0cmFwLXNlY3JldC0xMjM0NTY3ODkwYWI';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('scrub replaces', () => {
  it.each<[string, string]>([
    ['Contact alice@example.com for help', 'Contact [email] for help'],
    ['to: bob.smith+tag@mail.example.co.uk,', 'to: [email],'],
    ['Authorization: Bearer abc123.def456-ghi', 'Authorization: Bearer [token]'],
    ['authorization: bearer 9f8e7d6c5b4a39281706', 'authorization: bearer [token]'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [token]'],
    [`token ${JWT} rejected`, 'token [jwt] rejected'],
    ['stripe key sk_live_4eC39HqLyjWDarjtT1zdp7dc leaked', 'stripe key [key] leaked'],
    ['pk_test_TYooMQauvdEDq54NiTphI7jx in config', '[key] in config'],
    ['OPENAI sk-proj-abcdEFGH1234ijklMNOP5678qrst', 'OPENAI [key]'],
    ['aws AKIAIOSFODNN7EXAMPLE used', 'aws [key] used'],
    ['gh ghp_16C7e42F292c6912E7710c838347Ae178B4a ok', 'gh [key] ok'],
    ['slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'slack [key]'],
    ['google AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 'google [key]'],
    ['api_key=abc123def456', 'api_key=[key]'],
    ['apikey: "zzz999"', 'apikey: "[key]"'],
    ['{"password":"hunter2","user":"x"}', '{"password":"[secret]","user":"x"}'],
    ['secret = s3cr3t!', 'secret = [secret]'],
    ['login failed token=abcdef', 'login failed token=[token]'],
    ['card 4111 1111 1111 1111 declined', 'card [card] declined'],
    ['card 4111-1111-1111-1111', 'card [card]'],
    ['pan=5500005555555559;', 'pan=[card];'],
    ['amex 3782 822463 10005', 'amex [card]'],
    [`project key shp_${OUR_KEY} rejected`, 'project key [key] rejected'],
    [`X-Selfheal-Admin: sha_${OUR_KEY}`, 'X-Selfheal-Admin: [key]'],
    [`"shs_${OUR_KEY}-_x"`, '"[key]"'],
    [`config ${PEM} loaded`, 'config [private key] loaded'],
    [
      `{"private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n"}`,
      '{"private_key":"[private key]\\n"}',
    ],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk (cut)', '[private key]'],
    ['client 203.0.113.7 blocked', 'client [ip] blocked'],
    ['connect ECONNREFUSED 10.0.0.12:5432', 'connect ECONNREFUSED [ip]:5432'],
    ['x-forwarded-for: 198.51.100.23, 10.1.2.3', 'x-forwarded-for: [ip], [ip]'],
    ['GET http://192.168.1.20/api failed', 'GET http://[ip]/api failed'],
    ['from 2001:db8:85a3::8a2e:370:7334 denied', 'from [ip] denied'],
    ['peer 2001:0db8:0000:0000:0000:ff00:0042:8329.', 'peer [ip].'],
    ['listen [fe80::1]:8080', 'listen [[ip]]:8080'],
    ['mapped ::ffff:203.0.113.7', 'mapped ::ffff:[ip]'],
    ['call me at +1 415 555 2671 today', 'call me at [phone] today'],
    ['tel:+44 20 7946 0958', 'tel:[phone]'],
    ['phone=+4915112345678&x=1', 'phone=[phone]&x=1'],
    ['+1 (415) 555-2671', '[phone]'],
    ['office (415) 555-2671', 'office [phone]'],
    ['cell 415-555-2671.', 'cell [phone].'],
    ['cell 415.555.2671', 'cell [phone]'],
    ['London 020 7946 0958', 'London [phone]'],
    ['Paris 06 12 34 56 78', 'Paris [phone]'],
    ['Berlin 030/12345678', 'Berlin [phone]'],
    [
      'GET https://admin:hunter2@db.example.com/x failed',
      'GET https://[secret]@db.example.com/x failed',
    ],
    [
      'GET https://x.com/cb?code=abc123&state=ok&access_token=zzz failed',
      'GET https://x.com/cb?code=[secret]&state=ok&access_token=[secret] failed',
    ],
    [
      'https://x.com/#access_token=abc&token_type=bearer',
      'https://x.com/#access_token=[secret]&token_type=bearer',
    ],
    [
      'https://s3.amazonaws.com/b/k?X-Amz-Signature=abcdef0123&X-Amz-Expires=60',
      'https://s3.amazonaws.com/b/k?X-Amz-Signature=[secret]&X-Amz-Expires=60',
    ],
  ])('%s', (input, expected) => {
    expect(scrub(input)).toBe(expected);
  });
});

describe('scrub keeps', () => {
  it.each<string>([
    "TypeError: Cannot read properties of undefined (reading 'map')",
    'at handleClick (https://app.example.com/assets/index-3f9a2b1c.js:10:5)',
    'handleClick@https://app.example.com/a.js:10:5',
    'installed react@18.2.0 and @selfheal/shared',
    'order 1234567890123456 not found',
    'epoch 1718123456789 and 1732868000000',
    'id 4111111111111112 fails Luhn',
    'Bearer token missing',
    'Basic authentication required',
    'The password field is required',
    'token expired',
    'https://x.com/search?q=shoes&page=2',
    'https://x.com/keyboard?monkey=1',
    '2024-05-01T10:32:01.123Z',
    'deadbeef 3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b',
    'connect ECONNREFUSED 127.0.0.1:5432',
    'connect ECONNREFUSED ::1:6379',
    'listening on 0.0.0.0:3000 and [::]:3000',
    'upgrade to 1.2.3 then 10.20.30',
    'OID 1.3.6.1.4.1.311 and 1.2.3.4.5',
    'Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36',
    'bad address 999.1.2.3',
    'at 10:32:01 and 10:32:01.123, mac 00:1a:2b:3c:4d:5e',
    'std::vector and Foo::bar and add::face',
    'took 1234 ms on port 5432, retry in 30000ms',
    'rows 123 456 and 12 34 56',
    'dates 01/02/2024 and 2024-05-01 10:32',
    'tz +02:00 and +0530 and 1e+21',
    'shp_short and sha_ alone',
    '-----BEGIN PUBLIC KEY-----',
    '',
  ])('%j', (input) => {
    expect(scrub(input)).toBe(input);
  });
});

describe('scrub on 100 kB adversarial input', () => {
  const unchanged = (input: string): [string, string] => [input, input];
  it.each<[string, string, string]>([
    ['dotted words', ...unchanged('a.'.repeat(50_000))],
    ['an @ after a long local part', ...unchanged(`${'a'.repeat(100_000)}@`)],
    ['repeated JWT starts', ...unchanged('eyJ-'.repeat(25_000))],
    ['repeated schemes', ...unchanged('http://'.repeat(15_000))],
    ['a long digit run', ...unchanged('4'.repeat(100_000))],
    ['spaced digits', ...unchanged('4 '.repeat(50_000))],
    ['repeated bearer', ...unchanged('Bearer '.repeat(15_000))],
    ['repeated assignments', 'token='.repeat(17_000), 'token=[token]'],
    ['repeated key prefixes', 'sk-'.repeat(34_000), '[key]'],
    ['repeated PEM starts', ...unchanged('-----BEGIN A PRIVATE KEY '.repeat(4_000))],
    [
      'repeated PEM headers with no end',
      '-----BEGIN PRIVATE KEY-----a'.repeat(3_500),
      '[private key]'.repeat(3_500),
    ],
    ['repeated dotted quads', ...unchanged('1.1.1.1.'.repeat(12_500))],
    ['repeated colons', ...unchanged('1:'.repeat(50_000))],
    ['repeated plus digits', ...unchanged('+1234567 '.repeat(11_000))],
    ['repeated digit groups', ...unchanged('01 2 '.repeat(20_000))],
    [
      'a secret after a long dotted run',
      `${'a.'.repeat(50_000)} alice@example.com`,
      `${'a.'.repeat(50_000)} [email]`,
    ],
  ])('finishes on %s in linear time', (_name, input, expected) => {
    const started = performance.now();
    expect(scrub(input)).toBe(expected);
    // Linear work on 100 kB takes milliseconds even on a busy machine; a pattern that rescans
    // takes minutes. The bound only tells those apart: it is not a performance target.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('scrubUrl', () => {
  it.each<[string, string]>([
    ['https://user:pass@x.com/a', 'https://[secret]@x.com/a'],
    ['https://x.com/a?token=abc&b=1', 'https://x.com/a?token=[secret]&b=1'],
    ['https://x.com/a?sig=abc#frag', 'https://x.com/a?sig=[secret]#frag'],
    ['https://x.com/u/alice@example.com', 'https://x.com/u/[email]'],
    ['https://x.com/orders/4111111111111111', 'https://x.com/orders/4111111111111111'],
    ['https://x.com/pay?card=4111111111111111', 'https://x.com/pay?card=[secret]'],
    ['https://x.com/a?page=2', 'https://x.com/a?page=2'],
    ['http://203.0.113.7:8080/a', 'http://[ip]:8080/a'],
    ['http://127.0.0.1:5173/a', 'http://127.0.0.1:5173/a'],
    ['https://x.com/users/+14155552671', 'https://x.com/users/[phone]'],
    [`https://x.com/a?k=shp_${OUR_KEY}`, 'https://x.com/a?k=[key]'],
  ])('%s → %s', (url, expected) => {
    expect(scrubUrl(url)).toBe(expected);
  });
});

describe('scrubData', () => {
  it('scrubs strings and filters sensitive keys at any depth', () => {
    const input = {
      user: { email: 'alice@example.com', password: 'hunter2', name: 'Alice' },
      headers: { Authorization: 'Bearer abc123def', 'x-api-key': 'k', accept: 'json' },
      list: ['card 4111 1111 1111 1111', 42, true, null],
      sessionId: 'abc',
      access_token: 'zzz',
      Cookie: 'sid=1',
      count: 3,
    };
    expect(scrubData(input)).toEqual({
      user: { email: '[email]', password: '[Filtered]', name: 'Alice' },
      headers: { Authorization: '[Filtered]', 'x-api-key': '[Filtered]', accept: 'json' },
      list: ['card [card]', 42, true, null],
      sessionId: '[Filtered]',
      access_token: '[Filtered]',
      Cookie: '[Filtered]',
      count: 3,
    });
  });

  it('leaves the input untouched', () => {
    const input = { password: 'hunter2', nested: { note: 'alice@example.com' } };
    scrubData(input);
    expect(input).toEqual({ password: 'hunter2', nested: { note: 'alice@example.com' } });
  });

  it('marks cycles instead of throwing', () => {
    const node: Record<string, unknown> = { name: 'root' };
    node.self = node;
    node.children = [node];
    expect(scrubData(node)).toEqual({
      name: 'root',
      self: '[Circular]',
      children: ['[Circular]'],
    });
  });

  it('copies shared references that are not cycles', () => {
    const shared = { n: 1 };
    expect(scrubData({ a: shared, b: shared })).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });

  it('stops at the depth limit', () => {
    expect(scrubData({ a: { b: { c: { d: 1 } } } }, 2)).toEqual({ a: { b: '[MaxDepth]' } });
  });

  it('survives throwing getters', () => {
    const input = {
      ok: 1,
      get bad(): unknown {
        throw new Error('nope');
      },
    };
    expect(scrubData(input)).toEqual({ ok: 1, bad: '[Unreadable]' });
  });

  it('survives revoked proxies', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(scrubData({ ok: 1, proxy })).toEqual({ ok: 1, proxy: '[Unreadable]' });
  });

  it('keeps a __proto__ key as data', () => {
    const copy = scrubData(JSON.parse('{"__proto__":{"polluted":true}}')) as object;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
  });

  it.each<[unknown, unknown]>([
    ['mail alice@example.com', 'mail [email]'],
    [
      { ip: '203.0.113.7', phone: '+1 415 555 2671' },
      { ip: '[ip]', phone: '[phone]' },
    ],
    [
      [`shs_${OUR_KEY}`, PEM],
      ['[key]', '[private key]'],
    ],
    [7, 7],
    [null, null],
    [undefined, undefined],
    [10n, '10'],
    [new Date('2024-05-01T00:00:00.000Z'), '2024-05-01T00:00:00.000Z'],
    [() => 1, undefined],
  ])('copies value %#', (input, expected) => {
    expect(scrubData(input)).toEqual(expected);
  });

  it('keeps the message and stack of errors', () => {
    const error = new Error('no user alice@example.com');
    const copy = scrubData(error) as Record<string, unknown>;
    expect(copy.message).toBe('no user [email]');
    expect(copy.name).toBe('Error');
    expect(copy.stack).toContain('no user [email]');
  });

  it('keeps the extra fields of Node system errors', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      port: 5432,
    });
    expect(scrubData(error)).toMatchObject({ code: 'ECONNREFUSED', port: 5432, name: 'Error' });
  });
});

describe('remembered clean texts', () => {
  it('scrubs a repeated secret every time, and answers a repeated clean text unchanged', () => {
    const secret = 'login failed for ada@example.com';
    expect(scrub(secret)).toBe('login failed for [email]');
    expect(scrub(secret)).toBe('login failed for [email]');
    const url = 'https://shop.example/cart?token=abc123';
    expect(scrubUrl(url)).toBe('https://shop.example/cart?token=[secret]');
    expect(scrubUrl(url)).toBe('https://shop.example/cart?token=[secret]');
    const clean = 'TypeError: Cannot read properties of undefined';
    expect(scrub(clean)).toBe(clean);
    expect(scrub(clean)).toBe(clean);
  });

  it('keeps texts up to its length, and starts over when full', () => {
    const memo = new CleanTexts(10, 4);
    memo.add('abcde');
    expect(memo.has('abcde')).toBe(false);
    memo.add('abcd');
    memo.add('efgh');
    expect(memo.has('abcd') && memo.has('efgh')).toBe(true);
    memo.add('ijkl');
    expect(memo.has('abcd')).toBe(false);
    expect(memo.has('ijkl')).toBe(true);
  });
});
