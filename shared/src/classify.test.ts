import { describe, expect, it } from 'vitest';
import { classify } from './classify.js';
import type { ErrorKind, EventFacts, Severity } from './taxonomy.js';

describe('classify error messages', () => {
  it.each<[string, ErrorKind]>([
    // import_error
    ['Uncaught SyntaxError: Cannot use import statement outside a module', 'import_error'],
    [
      'TypeError: Failed to fetch dynamically imported module: https://app.example.com/assets/Page-3f9a2b1c.js',
      'import_error',
    ],
    [
      'TypeError: error loading dynamically imported module: https://app.example.com/assets/Page.js',
      'import_error',
    ],
    [
      "Uncaught SyntaxError: The requested module './utils.js' does not provide an export named 'formatDate'",
      'import_error',
    ],
    ['SyntaxError: import declarations may only appear at top level of a module', 'import_error'],
    ["Error: Cannot find module 'express'\nRequire stack:\n- /app/server.js", 'import_error'],
    [
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'zod' imported from /app/src/index.js",
      'import_error',
    ],
    ['TypeError: Importing a module script failed.', 'import_error'],
    ["SyntaxError: Importing binding name 'default' is not found.", 'import_error'],
    ['ChunkLoadError: Loading chunk 842 failed.\n(error: https://x.com/842.js)', 'import_error'],
    ["Uncaught SyntaxError: Unexpected token 'export'", 'import_error'],
    [
      'TypeError: Failed to resolve module specifier "react". Relative references must start with either "/", "./", or "../".',
      'import_error',
    ],
    // syntax_error
    ["Uncaught SyntaxError: Unexpected token '<'", 'syntax_error'],
    ['SyntaxError: Invalid or unexpected token', 'syntax_error'],
    ["SyntaxError: expected expression, got '}'", 'syntax_error'],
    ['SyntaxError: missing ) after argument list', 'syntax_error'],
    [
      'SyntaxError: JSON.parse: unexpected character at line 1 column 1 of the JSON data',
      'syntax_error',
    ],
    [`SyntaxError: Unexpected token '<', "<!DOCTYPE "... is not valid JSON`, 'syntax_error'],
    ["SyntaxError: JSON Parse error: Unrecognized token '<'", 'syntax_error'],
    ['SyntaxError: Unexpected end of JSON input', 'syntax_error'],
    ["SyntaxError: Identifier 'user' has already been declared", 'syntax_error'],
    // reference_error
    ['Uncaught ReferenceError: process is not defined', 'reference_error'],
    ["ReferenceError: Can't find variable: gtag", 'reference_error'],
    [
      "ReferenceError: can't access lexical declaration 'store' before initialization",
      'reference_error',
    ],
    ["ReferenceError: Cannot access 'store' before initialization", 'reference_error'],
    ['$ is not defined', 'reference_error'],
    // type_error
    ["Uncaught TypeError: Cannot read properties of undefined (reading 'map')", 'type_error'],
    ["TypeError: Cannot read property 'length' of null", 'type_error'],
    ['TypeError: user.getName is not a function', 'type_error'],
    ["TypeError: undefined is not an object (evaluating 'data.items.length')", 'type_error'],
    ['TypeError: el is null', 'type_error'],
    ['TypeError: can\'t access property "name", user is undefined', 'type_error'],
    ['TypeError: Assignment to constant variable.', 'type_error'],
    ['TypeError: items is not iterable', 'type_error'],
    ["TypeError: Cannot destructure property 'id' of 'props' as it is undefined.", 'type_error'],
    // network_error
    ['TypeError: Failed to fetch', 'network_error'],
    ['TypeError: NetworkError when attempting to fetch resource.', 'network_error'],
    ['TypeError: Load failed', 'network_error'],
    ['Error: read ECONNRESET', 'network_error'],
    ['Error: connect ETIMEDOUT 93.184.216.34:443', 'network_error'],
    ['Error: socket hang up', 'network_error'],
    ['Error: getaddrinfo ENOTFOUND api.example.com', 'network_error'],
    ['TypeError: fetch failed', 'network_error'],
    ['AxiosError: timeout of 5000ms exceeded', 'network_error'],
    // db_down
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'db_down'],
    ['Error: connect ECONNREFUSED ::1:3306', 'db_down'],
    ['MongoNetworkError: connect ECONNREFUSED 10.0.0.7:27017', 'db_down'],
    ['Error: Connection terminated unexpectedly', 'db_down'],
    ['error: sorry, too many clients already', 'db_down'],
    ['error: the database system is shutting down', 'db_down'],
    ['SequelizeConnectionRefusedError: connect ECONNREFUSED', 'db_down'],
    ["PrismaClientInitializationError: Can't reach database server at `db:5432`", 'db_down'],
    // cache_down
    ['Error: connect ECONNREFUSED 127.0.0.1:6379', 'cache_down'],
    ['Error: Redis connection to localhost:6379 failed - connect ECONNREFUSED', 'cache_down'],
    ["ReplyError: READONLY You can't write against a read only replica.", 'cache_down'],
    ['Error: Connection is closed.', 'cache_down'],
    ['Error: connect ECONNREFUSED 10.1.2.3:11211', 'cache_down'],
    // file_not_found
    ["Error: ENOENT: no such file or directory, open '/app/config.json'", 'file_not_found'],
    ['Error: Request failed with status code 404', 'file_not_found'],
    // memory
    [
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      'high_memory',
    ],
    ['RangeError: Array buffer allocation failed', 'high_memory'],
    [
      'MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 listeners added',
      'memory_leak',
    ],
    // api_down
    ['Error: connect ECONNREFUSED 127.0.0.1:8080', 'api_down'],
    ['Error: 503 Service Unavailable', 'api_down'],
    ['Error: 502 Bad Gateway', 'api_down'],
    ['AxiosError: Request failed with status code 500', 'api_down'],
    // unknown
    ['Script error.', 'unknown'],
    ['ResizeObserver loop limit exceeded', 'unknown'],
    ['RangeError: Maximum call stack size exceeded', 'unknown'],
    ['Something went wrong', 'unknown'],
  ])('%s → %s', (message, kind) => {
    expect(classify({ type: 'error', message }).kind).toBe(kind);
  });
});

describe('classify error fallbacks', () => {
  it.each<[EventFacts, ErrorKind]>([
    [{ type: 'error', message: 'boom', data: { name: 'TypeError' } }, 'type_error'],
    [{ type: 'error', message: 'oops', data: { name: 'ReferenceError' } }, 'reference_error'],
    [{ type: 'error', message: 'Custom failure', data: { name: 'SyntaxError' } }, 'syntax_error'],
    [{ type: 'error', message: 'TypeError: widget broke' }, 'type_error'],
    [{ type: 'error', message: 'x', data: { name: 'constructor' } }, 'unknown'],
    [{ type: 'error', message: 'Unhandled', data: { name: 'MongoNetworkError' } }, 'db_down'],
    [
      {
        type: 'error',
        stack: 'TypeError: Failed to fetch\n    at load (https://x.com/a.js:404:12)',
      },
      'network_error',
    ],
    [
      // A line number of 404 in a frame is not an HTTP 404.
      { type: 'error', message: 'boom', stack: 'Error: boom\n    at f (https://x.com/a.js:404:1)' },
      'unknown',
    ],
    [
      { type: 'error', stack: 'load@https://x.com/app.js:404:3\n@https://x.com/app.js:1:1' },
      'unknown',
    ],
  ])('%j → %s', (input, kind) => {
    expect(classify(input).kind).toBe(kind);
  });
});

describe('classify by event type', () => {
  it.each<[EventFacts, ErrorKind, Severity]>([
    [{ type: 'network', data: { method: 'GET', status: 503 } }, 'api_down', 'critical'],
    [{ type: 'network', data: { status: 500 } }, 'api_down', 'critical'],
    [{ type: 'network', data: { status: '502' } }, 'api_down', 'critical'],
    [{ type: 'network', data: { status: 404 } }, 'file_not_found', 'medium'],
    [{ type: 'network', data: { status: 410 } }, 'file_not_found', 'medium'],
    [{ type: 'network', data: { status: 0 } }, 'network_error', 'medium'],
    [{ type: 'network', data: { method: 'POST' } }, 'network_error', 'medium'],
    [{ type: 'network', data: { status: 200, timedOut: true } }, 'network_error', 'medium'],
    [
      { type: 'network', data: { errorText: 'net::ERR_CONNECTION_RESET' } },
      'network_error',
      'medium',
    ],
    [
      { type: 'network', message: 'connect ECONNREFUSED 127.0.0.1:5432', data: {} },
      'db_down',
      'critical',
    ],
    [{ type: 'network', data: { status: 401 } }, 'unknown', 'low'],
    [{ type: 'network', data: { status: 429 } }, 'unknown', 'low'],
    [{ type: 'resource', data: { tag: 'script', module: true } }, 'import_error', 'high'],
    [{ type: 'resource', data: { tag: 'script' } }, 'file_not_found', 'medium'],
    [{ type: 'resource', data: { tag: 'img' } }, 'file_not_found', 'medium'],
    [{ type: 'resource', data: { tag: 'link' } }, 'file_not_found', 'medium'],
    [{ type: 'ui', data: { selector: '#checkout' } }, 'ui_missing', 'medium'],
    [{ type: 'performance', data: { metric: 'long_task' } }, 'long_task', 'low'],
    [{ type: 'performance', data: { metric: 'longtask' } }, 'long_task', 'low'],
    [{ type: 'performance', data: { metric: 'memory' } }, 'memory_leak', 'high'],
    [{ type: 'performance', data: { metric: 'heap' } }, 'memory_leak', 'high'],
    [{ type: 'performance', data: { metric: 'fps' } }, 'unknown', 'low'],
    [{ type: 'health_check', data: { check: 'api' } }, 'api_down', 'critical'],
    [{ type: 'health_check', data: { check: 'db' } }, 'db_down', 'critical'],
    [{ type: 'health_check', data: { check: 'Database' } }, 'db_down', 'critical'],
    [{ type: 'health_check', data: { check: 'cache' } }, 'cache_down', 'high'],
    [{ type: 'health_check', data: { check: 'redis' } }, 'cache_down', 'high'],
    [{ type: 'health_check', data: { check: 'cpu' } }, 'high_cpu', 'medium'],
    [{ type: 'health_check', data: { check: 'memory' } }, 'high_memory', 'high'],
    [{ type: 'health_check', data: { check: 'event-loop' } }, 'event_loop_lag', 'medium'],
    [{ type: 'health_check', data: { check: 'event_loop_lag' } }, 'event_loop_lag', 'medium'],
    [
      {
        type: 'health_check',
        message: 'connect ECONNREFUSED 127.0.0.1:6379',
        data: { check: 'x' },
      },
      'cache_down',
      'high',
    ],
    [{ type: 'health_check', message: 'CPU usage at 97%' }, 'high_cpu', 'medium'],
    [{ type: 'health_check', message: 'Database unreachable' }, 'db_down', 'critical'],
    [{ type: 'health_check', data: { check: 'disk' } }, 'unknown', 'low'],
    [{ type: 'health_check', data: { check: 'toString' } }, 'unknown', 'low'],
    [{ type: 'fix_attempt', message: 'ECONNREFUSED 127.0.0.1:5432' }, 'unknown', 'low'],
    [{ type: 'fix_outcome', data: { ok: true } }, 'unknown', 'low'],
  ])('%j → %s (%s)', (input, kind, severity) => {
    expect(classify(input)).toEqual({ kind, severity });
  });
});

describe('classify severity', () => {
  it.each<[string, Severity]>([
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'critical'],
    ['Error: 503 Service Unavailable', 'critical'],
    ['Uncaught SyntaxError: Cannot use import statement outside a module', 'high'],
    ['SyntaxError: Unexpected end of JSON input', 'high'],
    ['Error: connect ECONNREFUSED 127.0.0.1:6379', 'high'],
    ['FATAL ERROR: JavaScript heap out of memory', 'high'],
    ["TypeError: Cannot read properties of null (reading 'x')", 'medium'],
    ['ReferenceError: foo is not defined', 'medium'],
    ['TypeError: Failed to fetch', 'medium'],
    ['Something odd', 'low'],
  ])('%s → %s', (message, severity) => {
    expect(classify({ type: 'error', message }).severity).toBe(severity);
  });
});
