import { describe, expect, it } from 'vitest';
import { scrub, scrubData, scrubUrl } from './scrub.js';

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
