import { scrub, scrubData, scrubUrl } from '@selfheal/shared';

/**
 * What scrubbing costs ingest: the collector scrubs every event's message, stack, URL and data
 * (`ingest/normalize.ts`). Times the same calls on 10-event reports of typical page and service
 * errors, in rounds, and prints the median µs per report. It counts this process's CPU time, not
 * the wall clock, so a busy machine moves it far less. `BENCH_SCRUB_REPORTS` and
 * `BENCH_SCRUB_ROUNDS` change the run.
 */

const REPORTS = Number(process.env.BENCH_SCRUB_REPORTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_SCRUB_ROUNDS ?? 9);

const MESSAGES = [
  'connect ECONNREFUSED 127.0.0.1:5432',
  "TypeError: Cannot read properties of undefined (reading 'name')",
  'Failed to fetch dynamically imported module: https://shop.example.com/assets/checkout-3f9a8b2c.js',
  'GET https://api.shop.example.com/v1/carts/81723 failed: 503 Service Unavailable',
  'ReferenceError: analytics is not defined',
];
const STACK = [
  "TypeError: Cannot read properties of undefined (reading 'name')",
  '    at renderCart (https://shop.example.com/assets/index-3f9a8b2c.js:10:5)',
  '    at updateItems (https://shop.example.com/assets/index-3f9a8b2c.js:214:17)',
  '    at https://shop.example.com/assets/vendor-9c1d2e3f.js:1:48211',
].join('\n');

/** Ten events as an agent sends them, each with a distinct message and URL. */
function report(n: number) {
  return Array.from({ length: 10 }, (_, i) => ({
    message: `${MESSAGES[(n + i) % MESSAGES.length]}`,
    stack: STACK,
    url: `https://shop.example.com/cart?item=${n * 10 + i}&ref=home`,
    data: { status: 503, method: 'GET', route: '/cart', attempt: i % 3, online: true },
  }));
}

function scrubReport(events: ReturnType<typeof report>): number {
  let length = 0;
  for (const event of events) {
    length += scrub(event.message).length + scrub(event.stack).length;
    length += scrubUrl(event.url).length;
    length += JSON.stringify(scrubData(event.data)).length;
  }
  return length;
}

/** Milliseconds of CPU this process has used. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

const reports = Array.from({ length: 100 }, (_, n) => report(n));
let sink = 0;
for (let i = 0; i < 2_000; i++) sink += scrubReport(reports[i % reports.length] ?? []);

const perReport: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const start = cpuMs();
  for (let i = 0; i < REPORTS; i++) sink += scrubReport(reports[i % reports.length] ?? []);
  perReport.push(((cpuMs() - start) * 1_000) / REPORTS);
}
perReport.sort((a, b) => a - b);
const median = perReport[Math.floor(perReport.length / 2)] ?? 0;
console.log(
  `scrub: ${median.toFixed(1)} µs per 10-event report (median of ${ROUNDS} rounds of ${REPORTS}; ` +
    `min ${perReport[0]?.toFixed(1)}, max ${perReport.at(-1)?.toFixed(1)}; ${sink > 0 ? 'ok' : ''})`,
);
