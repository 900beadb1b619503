import { describe, expect, it } from 'vitest';
import { fingerprint, normalizeMessage, normalizeUrl, topFrame } from './fingerprint.js';
import type { EventFacts } from './taxonomy.js';

const chromeStack = (file: string, fn = 'handleClick', line = 42) =>
  `TypeError: boom\n    at ${fn} (${file}:${line}:17)\n    at HTMLButtonElement.dispatch (https://app.example.com/vendor.js:1:9000)`;

const error = (message: string, stack?: string): EventFacts => ({
  type: 'error',
  kind: 'type_error',
  message,
  ...(stack ? { stack } : {}),
});

describe('fingerprint is stable across', () => {
  it.each<[string, EventFacts, EventFacts]>([
    ['numeric ids', error('Order 1234 not found'), error('Order 98765 not found')],
    [
      'uuids',
      error('Session 3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b expired'),
      error('Session 00000000-1111-4222-8333-444444444444 expired'),
    ],
    [
      'git shas',
      error('Deploy a94a8fe5ccb19ba61c4c0873d391e987982fbbd3 failed'),
      error('Deploy 4b825dc642cb6eb9a060e54bf8d69288fbee4904 failed'),
    ],
    [
      'hashed file names in messages',
      error(
        'Failed to fetch dynamically imported module: https://app.example.com/assets/Page-3f9a2b1c.js',
      ),
      error(
        'Failed to fetch dynamically imported module: https://app.example.com/assets/Page-BxQkzaZe.js',
      ),
    ],
    [
      'query strings and fragments',
      error('Failed to load https://app.example.com/api/items?page=2&sort=asc#top'),
      error('Failed to load https://app.example.com/api/items?page=9'),
    ],
    [
      'ISO timestamps',
      error('Job started at 2024-05-01T10:32:01.123Z timed out'),
      error('Job started at 2025-11-29T08:13:59+02:00 timed out'),
    ],
    [
      'epoch milliseconds',
      error('Token issued at 1718123456789 is stale'),
      error('Token issued at 1732868000000 is stale'),
    ],
    [
      'e-mail addresses',
      error('No account for alice@example.com'),
      error('No account for bob.smith+tag@mail.example.org'),
    ],
    ['double-quoted user data', error('Cannot find user "alice"'), error('Cannot find user "bob"')],
    [
      'single-quoted user data',
      error("Unknown coupon 'SUMMER-21'"),
      error("Unknown coupon 'WELCOME'"),
    ],
    [
      'JSON snippets',
      error(`Unexpected token '<', "<!DOCTYPE "... is not valid JSON`),
      error(`Unexpected token '<', "<html lang"... is not valid JSON`),
    ],
    [
      'IPv4 addresses and ports',
      error('connect ECONNREFUSED 10.0.0.12:5432'),
      error('connect ECONNREFUSED 172.17.0.3:5433'),
    ],
    [
      'IPv6 addresses',
      error('connect ECONNREFUSED fe80::1ff:fe23:4567:890a'),
      error('connect ECONNREFUSED 2001:db8::8a2e:370:7334'),
    ],
    [
      'the Uncaught prefix',
      error("Uncaught TypeError: Cannot read properties of undefined (reading 'map')"),
      error("TypeError: Cannot read properties of undefined (reading 'map')"),
    ],
    [
      'the Uncaught (in promise) prefix',
      error('Uncaught (in promise) TypeError: Failed to fetch'),
      error('Failed to fetch'),
    ],
    [
      "Safari's unhandled rejection prefix",
      error('Unhandled Promise Rejection: TypeError: Load failed'),
      error('TypeError: Load failed'),
    ],
    ['whitespace', error('  Something   broke\n in render '), error('Something broke in render')],
    [
      'ports and query strings in stack frames',
      error('boom', chromeStack('http://localhost:5173/src/App.tsx?t=1700000000')),
      error('boom', chromeStack('http://localhost:3000/src/App.tsx?t=1800000000')),
    ],
    [
      'content hashes in bundle names',
      error('boom', chromeStack('https://app.example.com/static/js/main.3f9a2b1c.js')),
      error('boom', chromeStack('https://app.example.com/static/js/main.77e0d4aa.js')),
    ],
    [
      'esbuild chunk hashes',
      error('boom', chromeStack('https://app.example.com/chunk-AB12CD34.js')),
      error('boom', chromeStack('https://app.example.com/chunk-QWERTYUI.js')),
    ],
    [
      'Vite hashes with dashes',
      error('boom', chromeStack('https://app.example.com/assets/index-B-xQ3k9a.js')),
      error('boom', chromeStack('https://app.example.com/assets/index-Dq1_9sEk.js')),
    ],
    [
      'columns (engines point at different columns)',
      error('boom', 'TypeError: boom\n    at handleClick (https://x.com/app.js:42:17)'),
      error('boom', 'TypeError: boom\n    at handleClick (https://x.com/app.js:42:3)'),
    ],
    [
      'receivers and async markers on the function',
      error('boom', 'Error\n    at async Object.handleClick (https://x.com/app.js:42:17)'),
      error('boom', 'Error\n    at handleClick (https://x.com/app.js:42:17)'),
    ],
    [
      'agent frames above the app frame',
      error(
        'boom',
        'Error: boom\n    at report (https://cdn.example.com/node_modules/@selfheal/browser-agent/dist/index.js:10:1)\n    at handleClick (https://x.com/app.js:42:17)',
      ),
      error('boom', 'Error: boom\n    at handleClick (https://x.com/app.js:42:17)'),
    ],
    [
      'network paths with ids',
      {
        type: 'network',
        url: 'https://api.example.com/users/123/orders/9f8e7d6c5b4a',
        data: { method: 'get', status: 503 },
      },
      {
        type: 'network',
        url: 'https://api.example.com/users/456/orders/0a1b2c3d4e5f?x=1',
        data: { method: 'GET', status: 502 },
      },
    ],
    [
      'network statuses in one class',
      { type: 'network', data: { url: 'https://api.example.com/items', status: 404 } },
      { type: 'network', data: { url: 'https://api.example.com/items/', status: 410 } },
    ],
    [
      'resource URLs with build hashes',
      { type: 'resource', data: { tag: 'script', url: 'https://x.com/assets/vendor-3f9a2b1c.js' } },
      { type: 'resource', data: { tag: 'script', url: 'https://x.com/assets/vendor-9b8a7c6d.js' } },
    ],
    [
      'ui selectors with ids',
      { type: 'ui', data: { selector: '#row-17 .delete' } },
      { type: 'ui', data: { selector: '#row-342 .delete' } },
    ],
    [
      'performance page urls',
      {
        type: 'performance',
        url: 'https://x.com/products/42?ref=home',
        data: { metric: 'long_task' },
      },
      { type: 'performance', url: 'https://x.com/products/77', data: { metric: 'long_task' } },
    ],
    [
      'health check messages',
      { type: 'health_check', message: 'took 5012ms', data: { check: 'db', service: 'orders' } },
      { type: 'health_check', message: 'took 30001ms', data: { check: 'db', service: 'orders' } },
    ],
    [
      'window.onerror file and line without a stack',
      {
        type: 'error',
        message: 'x is not defined',
        data: { filename: 'https://x.com/a.js?v=3', lineno: 10 },
      },
      {
        type: 'error',
        message: 'x is not defined',
        data: { filename: 'https://x.com/a.js?v=4', lineno: 10 },
      },
    ],
  ])('%s', (_name, a, b) => {
    expect(fingerprint(a)).toBe(fingerprint(b));
  });
});

describe('fingerprint differs for', () => {
  it.each<[string, EventFacts, EventFacts]>([
    ['different messages', error('Cart is empty'), error('Cart is locked')],
    [
      'different properties read',
      error("Cannot read properties of undefined (reading 'map')"),
      error("Cannot read properties of undefined (reading 'filter')"),
    ],
    [
      'different missing modules',
      error("Cannot find module 'express'"),
      error("Cannot find module 'lodash'"),
    ],
    [
      'different undefined variables',
      error("ReferenceError: Cannot access 'store' before initialization"),
      error("ReferenceError: Cannot access 'router' before initialization"),
    ],
    [
      'different Firefox properties',
      error('can\'t access property "name", user is undefined'),
      error('can\'t access property "email", user is undefined'),
    ],
    [
      'different files in the top frame',
      error('boom', chromeStack('https://x.com/src/cart.js')),
      error('boom', chromeStack('https://x.com/src/checkout.js')),
    ],
    [
      'different functions in the top frame',
      error('boom', chromeStack('https://x.com/app.js', 'addItem', 42)),
      error('boom', chromeStack('https://x.com/app.js', 'removeItem', 42)),
    ],
    [
      'different lines in the top frame',
      error('boom', chromeStack('https://x.com/app.js', 'render', 42)),
      error('boom', chromeStack('https://x.com/app.js', 'render', 97)),
    ],
    [
      'different hosts',
      error('boom', chromeStack('https://shop.example.com/app.js')),
      error('boom', chromeStack('https://admin.example.com/app.js')),
    ],
    [
      'different kinds',
      { type: 'error', kind: 'type_error', message: 'boom' },
      { type: 'error', kind: 'unknown', message: 'boom' },
    ],
    [
      'different event types',
      { type: 'error', message: 'boom' },
      { type: 'fix_attempt', message: 'boom' },
    ],
    [
      'different methods',
      { type: 'network', url: 'https://api.x.com/cart', data: { method: 'GET', status: 500 } },
      { type: 'network', url: 'https://api.x.com/cart', data: { method: 'POST', status: 500 } },
    ],
    [
      'different status classes',
      { type: 'network', url: 'https://api.x.com/cart', data: { status: 500 } },
      { type: 'network', url: 'https://api.x.com/cart', data: { status: 0 } },
    ],
    [
      'different paths',
      { type: 'network', url: 'https://api.x.com/cart', data: { status: 500 } },
      { type: 'network', url: 'https://api.x.com/orders', data: { status: 500 } },
    ],
    [
      'different resource tags',
      { type: 'resource', data: { tag: 'script', url: 'https://x.com/a.js' } },
      { type: 'resource', data: { tag: 'link', url: 'https://x.com/a.js' } },
    ],
    [
      'different selectors',
      { type: 'ui', data: { selector: '#checkout' } },
      { type: 'ui', data: { selector: '#cart' } },
    ],
    [
      'different health checks',
      { type: 'health_check', data: { check: 'db' } },
      { type: 'health_check', data: { check: 'cache' } },
    ],
    [
      'different services',
      { type: 'health_check', data: { check: 'api', service: 'payments' } },
      { type: 'health_check', data: { check: 'api', service: 'search' } },
    ],
    [
      'different onerror files',
      {
        type: 'error',
        message: 'x is not defined',
        data: { filename: 'https://x.com/a.js', lineno: 1 },
      },
      {
        type: 'error',
        message: 'x is not defined',
        data: { filename: 'https://x.com/b.js', lineno: 1 },
      },
    ],
    [
      'different component files with Vite hashes',
      error('boom', chromeStack('https://x.com/assets/Cart-3f9a2b1c.js')),
      error('boom', chromeStack('https://x.com/assets/Checkout-3f9a2b1c.js')),
    ],
  ])('%s', (_name, a, b) => {
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});

describe('fingerprint', () => {
  it.each<EventFacts>([
    { type: 'error' },
    { type: 'error', message: 'x'.repeat(20_000), stack: 'at '.repeat(30_000) },
    { type: 'network', data: { status: { nested: true }, method: 42 } },
    { type: 'health_check', data: { check: null } },
  ])('is 16 hex chars for %#', (input) => {
    expect(fingerprint(input)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is deterministic', () => {
    const input = error('boom', chromeStack('https://x.com/app.js'));
    expect(fingerprint(input)).toBe(fingerprint({ ...input }));
  });
});

describe('topFrame', () => {
  it.each<[string, string | undefined]>([
    [
      'TypeError: x\n    at handleClick (https://x.com/a.js:10:5)',
      'handleClick https://x.com/a.js:10',
    ],
    ['Error\n    at https://x.com/a.js:10:5', 'https://x.com/a.js:10'],
    [
      'Error\n    at async loadUser (file:///app/src/user.mjs:7:3)',
      'loadUser file:///app/src/user.mjs:7',
    ],
    ['Error\n    at new Store (/app/src/store.js:3:9)', 'Store /app/src/store.js:3'],
    ['Error\n    at Object.<anonymous> (/app/index.js:1:1)', '/app/index.js:1'],
    [
      'Error\n    at Router.handle [as handle_request] (/app/router.js:5:1)',
      'handle /app/router.js:5',
    ],
    [
      'Error\n    at Module._compile (node:internal/modules/cjs/loader:1256:14)\n    at main (/app/main.js:2:1)',
      'main /app/main.js:2',
    ],
    [
      'Error\n    at Array.map (<anonymous>)\n    at render (https://x.com/a.js:8:2)',
      'render https://x.com/a.js:8',
    ],
    [
      'Error\n    at eval (eval at load (https://x.com/a.js:3:4), <anonymous>:1:1)',
      'eval https://x.com/a.js:3',
    ],
    [
      'handleClick@https://x.com/a.js:10:5\n@https://x.com/a.js:1:2',
      'handleClick https://x.com/a.js:10',
    ],
    ['@https://x.com/a.js:1:2', 'https://x.com/a.js:1'],
    ['App/<@https://x.com/a.js:4:9', 'https://x.com/a.js:4'],
    ['async*load@https://x.com/a.js:6:1', 'load https://x.com/a.js:6'],
    ['global code@https://x.com/a.js:1:20', 'https://x.com/a.js:1'],
    ['[native code]\nrender@https://x.com/a.js:8:2', 'render https://x.com/a.js:8'],
    ['f@https://x.com/a.js line 2 > eval:1:5', 'f https://x.com/a.js:1'],
    ['Error\n    at C:\\app\\src\\x.js:4:2', 'c:/app/src/x.js:4'],
    ['Error\n    at x (chrome-extension://abc/page.js:1:1)', undefined],
    ['no frames here', undefined],
    ['', undefined],
  ])('%j → %s', (stack, frame) => {
    expect(topFrame(stack)).toBe(frame);
  });
});

describe('normalizeUrl', () => {
  it.each<[string, string]>([
    ['https://user:pw@App.Example.com:8443/a/b?x=1#y', 'https://app.example.com/a/b'],
    ['https://x.com/users/123/posts/456/', 'https://x.com/users/<n>/posts/<n>'],
    ['/api/v2/items/3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b', '/api/v2/items/<uuid>'],
    ['https://x.com/assets/app.3f9a2b1c.js', 'https://x.com/assets/app.<hash>.js'],
    ['https://x.com/chunk-AB12CD.js', 'https://x.com/chunk-<hash>.js'],
    ['https://x.com/static/chunks/842.js', 'https://x.com/static/chunks/<n>.js'],
    ['https://x.com/use-debounce.js', 'https://x.com/use-debounce.js'],
    ['data:text/javascript;base64,AAAA', 'data:'],
    ['https://x.com/', 'https://x.com/'],
  ])('%s → %s', (url, normalized) => {
    expect(normalizeUrl(url)).toBe(normalized);
  });
});

describe('normalizeMessage', () => {
  it.each<[string, string]>([
    ['Uncaught TypeError: x is not a function', 'x is not a function'],
    ['Uncaught (in promise) Error: nope', 'nope'],
    [
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/app/x.js'",
      "Cannot find module '/app/x.js'",
    ],
    ['User "alice" has 3 items', 'User <str> has <n> items'],
    [
      "Cannot read properties of null (reading 'x')",
      "Cannot read properties of null (reading 'x')",
    ],
    ["Can't find variable: gtag", "Can't find variable: gtag"],
  ])('%s → %s', (message, normalized) => {
    expect(normalizeMessage(message)).toBe(normalized);
  });
});
