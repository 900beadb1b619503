import type { ErrorKind, Severity } from './taxonomy.js';

/** A text pattern and the kind it signals. */
export type KindPattern = readonly [RegExp, ErrorKind];

const DB_PORTS = '5432|3306|27017|27018|1433|1521|26257|9042';
const CACHE_PORTS = '6379|6380|26379|11211';
const CONNECT_FAULT = String.raw`\bE(?:CONNREFUSED|TIMEDOUT|HOSTUNREACH|CONNRESET)\b[^\n]{0,80}:`;

/**
 * Message and stack-header patterns from Chrome, Firefox, Safari and Node, checked in order: the
 * first match wins, so narrow patterns come before broad ones that would swallow them.
 */
export const ERROR_PATTERNS: readonly KindPattern[] = [
  // A refused or dropped connection names the port of what is down; read it before generic text.
  [new RegExp(`${CONNECT_FAULT}(?:${DB_PORTS})\\b`), 'db_down'],
  [new RegExp(`${CONNECT_FAULT}(?:${CACHE_PORTS})\\b`), 'cache_down'],
  [
    /Connection terminated unexpectedly|too many clients|database system is (?:shutting down|starting up|in recovery mode)|remaining connection slots are reserved|Sequelize\w*Connection\w*Error|Mongo(?:Network|ServerSelection|NotConnected)\w*Error|PrismaClientInitializationError|Can't reach database server|ER_CON_COUNT_ERROR|PROTOCOL_CONNECTION_LOST|Timeout acquiring a connection/i,
    'db_down',
  ],
  [
    /Redis connection to [^\n]{0,200} failed|\bReplyError\b|\bConnection is closed\.|MaxRetriesPerRequestError|ClientClosedError|Redis is not connected|\bLOADING Redis is loading/,
    'cache_down',
  ],
  [/Possible EventEmitter memory leak|\bmemory leak\b/i, 'memory_leak'],
  [
    /JavaScript heap out of memory|Reached heap limit|Allocation failed|allocation size overflow|\bout of memory\b/i,
    'high_memory',
  ],
  [
    /Cannot use import statement outside a module|Cannot use 'import\.meta' outside a module|(?:import|export) declarations may only appear at top level|Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|does not provide an export named|doesn't provide an export named|Importing binding name|import not found:|ambiguous indirect export|import call expects|Failed to resolve module specifier|does not resolve to a valid URL|Failed to load module script|Cannot find (?:module|package) |ERR_MODULE_NOT_FOUND|ERR_REQUIRE_ESM|require\(\) of ES Module|ERR_UNSUPPORTED_DIR_IMPORT|ERR_PACKAGE_PATH_NOT_EXPORTED|ERR_UNKNOWN_FILE_EXTENSION|Module not found: Error: Can't resolve|\bChunkLoadError\b|Loading (?:CSS )?chunk [\w-]+ failed|Unexpected token 'export'/,
    'import_error',
  ],
  [
    /\bFailed to fetch\b|NetworkError when attempting to fetch resource|\bLoad failed\b|\bfetch failed\b|Network request failed|^(?:AxiosError: )?Network Error$|\bnet::ERR_|The network connection was lost|Internet connection appears to be offline|\bE(?:CONNRESET|TIMEDOUT|SOCKETTIMEDOUT|NETUNREACH|HOSTUNREACH|PIPE|AI_AGAIN)\b|socket hang up|getaddrinfo|UND_ERR_(?:CONNECT_TIMEOUT|SOCKET|HEADERS_TIMEOUT)|timeout of \d+ms exceeded|signal timed out/m,
    'network_error',
  ],
  [
    /Unexpected token|Invalid or unexpected token|expected expression, got|missing \) after argument list|missing [;}\]] (?:before|after)|Unexpected end of (?:JSON )?input|Unexpected end of script|Unexpected EOF|JSON\.parse:|is not valid JSON|JSON Parse error|Unexpected (?:identifier|string|number|keyword)|unterminated string literal|Invalid regular expression|Invalid left-hand side in assignment|has already been declared|redeclaration of |illegal character/,
    'syntax_error',
  ],
  [
    /\bis not defined\b|\bReferenceError\b|Can't find variable: |can't access lexical declaration|Cannot access '[^']{0,200}' before initialization|assignment to undeclared variable/,
    'reference_error',
  ],
  [
    /Cannot read propert(?:y|ies) of|Cannot set propert(?:y|ies) of|is not a function|is not a constructor|is not iterable|(?:undefined|null) is not an object|can't access property|\bis (?:null|undefined)\b|has no properties|Assignment to constant variable|invalid assignment to const|Attempted to assign to readonly property|is read-only|Cannot destructure|Cannot convert undefined or null to object|Converting circular structure to JSON|Illegal invocation|object is not extensible|Reduce of empty array with no initial value/,
    'type_error',
  ],
  [
    /\bECONNREFUSED\b|\b50[234] |Service Unavailable|Bad Gateway|Gateway Time-?out|Internal Server Error|status(?: code)?:? 5\d\d\b|HTTP\/\d(?:\.\d)? 5\d\d\b/i,
    'api_down',
  ],
  [/\bENOENT\b|no such file or directory|\b404\b|\b410 Gone\b/, 'file_not_found'],
  // Wording that health checks and monitors use rather than runtimes.
  [/\bCPU\b[^\n]{0,40}\b(?:high|usage|load|exceeded|above|over|spike|throttl)/i, 'high_cpu'],
  [
    /event[ _-]?loop[ _-]?(?:lag|delay|block|utili[sz]ation)|blocked the event loop/i,
    'event_loop_lag',
  ],
  [/\b(?:memory|heap|RSS)\b[^\n]{0,40}\b(?:high|usage|exceeded|above|over|limit)/i, 'high_memory'],
  [
    /\b(?:database|db|postgres(?:ql)?|mysql|mariadb|mongo(?:db)?)\b[^\n]{0,40}\b(?:down|unreachable|unavailable|refused|timed out)/i,
    'db_down',
  ],
  [
    /\b(?:cache|redis|memcached?)\b[^\n]{0,40}\b(?:down|unreachable|unavailable|refused|timed out)/i,
    'cache_down',
  ],
  [
    /\b(?:api|upstream|service|backend)\b[^\n]{0,40}\b(?:down|unreachable|unavailable)/i,
    'api_down',
  ],
];

/** Error names that settle the kind when no pattern matched. */
export const ERROR_NAMES: Readonly<Record<string, ErrorKind>> = {
  SyntaxError: 'syntax_error',
  ReferenceError: 'reference_error',
  TypeError: 'type_error',
};

/** `data.check` of a health check, lower-cased with separators as `_`, to the kind it watches. */
export const HEALTH_CHECKS: Readonly<Record<string, ErrorKind>> = {
  api: 'api_down',
  http: 'api_down',
  upstream: 'api_down',
  db: 'db_down',
  database: 'db_down',
  postgres: 'db_down',
  postgresql: 'db_down',
  mysql: 'db_down',
  mongo: 'db_down',
  mongodb: 'db_down',
  cache: 'cache_down',
  redis: 'cache_down',
  memcached: 'cache_down',
  cpu: 'high_cpu',
  memory: 'high_memory',
  mem: 'high_memory',
  heap: 'high_memory',
  rss: 'high_memory',
  event_loop: 'event_loop_lag',
  event_loop_lag: 'event_loop_lag',
  eventloop: 'event_loop_lag',
  loop_lag: 'event_loop_lag',
};

/** `data.metric` of a performance event, normalized like a health check, to its kind. */
export const PERFORMANCE_METRICS: Readonly<Record<string, ErrorKind>> = {
  long_task: 'long_task',
  longtask: 'long_task',
  long_animation_frame: 'long_task',
  memory: 'memory_leak',
  heap: 'memory_leak',
  cpu: 'high_cpu',
  event_loop: 'event_loop_lag',
  event_loop_lag: 'event_loop_lag',
};

/** The default severity of each kind. */
export const KIND_SEVERITY: Readonly<Record<ErrorKind, Severity>> = {
  db_down: 'critical',
  api_down: 'critical',
  import_error: 'high',
  syntax_error: 'high',
  high_memory: 'high',
  memory_leak: 'high',
  cache_down: 'high',
  reference_error: 'medium',
  type_error: 'medium',
  network_error: 'medium',
  file_not_found: 'medium',
  ui_missing: 'medium',
  high_cpu: 'medium',
  event_loop_lag: 'medium',
  long_task: 'low',
  unknown: 'low',
};
