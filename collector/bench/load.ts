import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ID_TOKEN } from './reports.js';

/**
 * The load generator. wrk (a C program, its own process, two threads) when it is installed, so
 * that building requests costs the collector's machine as little as possible; otherwise
 * autocannon in its own worker threads. Each request is one of `templates`, in turn, with every
 * `@@ID@@` replaced by an id no other request of the run uses, and the key its template names.
 */

/** A report body with `@@ID@@` where each id goes, and the key that sends it. */
export interface Template {
  body: string;
  bearer: string;
}

export interface LoadOptions {
  url: string;
  templates: readonly Template[];
  connections: number;
  seconds: number;
}

export interface LoadResult {
  /** Requests answered 2xx. */
  acknowledged: number;
  /** Events those answers said were accepted (new, not resent). */
  acceptedEvents: number;
  /** Requests answered otherwise. */
  refused: number;
  /** Connection errors and timeouts. */
  errors: number;
  p50: number;
  p99: number;
}

let wrkPresent: boolean | undefined;
export function hasWrk(): boolean {
  if (wrkPresent === undefined) {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' });
      wrkPresent = true;
    } catch (error) {
      // wrk prints its version and exits 1; only a missing binary is ENOENT.
      wrkPresent = (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  }
  return wrkPresent;
}

export const generatorName = () =>
  hasWrk()
    ? 'wrk (2 threads, its own process)'
    : 'autocannon (in 2 worker threads; install wrk for a lighter load generator)';

// Each thread takes templates in turn and numbers its requests; ids are `<run>-<thread>-<n>`.
// Each counts the events its 2xx answers accepted; `done` adds up the threads' counts.
const LUA = `
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end
local templates, counter, next_template, run = {}, 0, 0, ""
accepted = 0
function init(args)
  run = args[2]
  for line in io.lines(args[1]) do
    local bearer, body = line:match("^([^\\t]+)\\t(.*)$")
    local parts, start = {}, 1
    while true do
      local s, e = body:find("${ID_TOKEN}", start, true)
      if not s then break end
      parts[#parts + 1] = body:sub(start, s - 1)
      start = e + 1
    end
    parts[#parts + 1] = body:sub(start)
    templates[#templates + 1] = { auth = "Bearer " .. bearer, parts = parts }
  end
end
function request()
  next_template = next_template % #templates + 1
  local t = templates[next_template]
  counter = counter + 1
  local id = run .. "-" .. thread_no .. "-" .. counter
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = t.auth,
  }, table.concat(t.parts, id))
end
function response(status, headers, body)
  if status >= 200 and status < 300 then
    accepted = accepted + (tonumber(body:match('"accepted":(%d+)')) or 0)
  end
end
function done(summary, latency, requests)
  local e, events = summary.errors, 0
  for _, thread in ipairs(threads) do events = events + thread:get("accepted") end
  io.write(string.format(
    'RESULT {"requests":%d,"status":%d,"errors":%d,"events":%d,"p50":%f,"p99":%f}\\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, events,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`;

let runs = 0;
async function withWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-load-'));
  try {
    const script = join(dir, 'load.lua');
    const bodies = join(dir, 'bodies.txt');
    writeFileSync(script, LUA);
    writeFileSync(bodies, `${options.templates.map((t) => `${t.bearer}\t${t.body}`).join('\n')}\n`);
    runs += 1;
    const run = `${process.pid.toString(36)}${Date.now().toString(36)}${runs}`;
    const args = [
      '-t2',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      options.url,
      '--',
      bodies,
      run,
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
      });
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`)),
      );
    });
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`wrk printed no result: ${output}`);
    const parsed = JSON.parse(line.slice(7)) as {
      requests: number;
      status: number;
      errors: number;
      events: number;
      p50: number;
      p99: number;
    };
    return {
      acknowledged: parsed.requests - parsed.status,
      acceptedEvents: parsed.events,
      refused: parsed.status,
      errors: parsed.errors,
      p50: Math.round(parsed.p50),
      p99: Math.round(parsed.p99),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withAutocannon(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-load-'));
  try {
    runs += 1;
    const run = `${process.pid.toString(36)}${Date.now().toString(36)}${runs}`;
    // In worker mode autocannon takes its callbacks as files that export them. Each worker
    // appends the events its 2xx answers accepted to a tally file, read after the run.
    const templates = join(dir, 'templates.json');
    const tally = join(dir, 'tally.txt');
    writeFileSync(templates, JSON.stringify(options.templates));
    writeFileSync(tally, '');
    const setup = join(dir, 'setup-request.cjs');
    writeFileSync(
      setup,
      `const { readFileSync } = require('node:fs');
const { threadId } = require('node:worker_threads');
const templates = JSON.parse(readFileSync(${JSON.stringify(templates)}, 'utf8'));
let n = 0;
module.exports = (req) => {
  n += 1;
  const t = templates[n % templates.length];
  const id = ${JSON.stringify(run)} + '-' + threadId + '-' + n;
  return { ...req, headers: { 'content-type': 'application/json', authorization: 'Bearer ' + t.bearer },
    body: t.body.split(${JSON.stringify(ID_TOKEN)}).join(id) };
};
`,
    );
    const onResponse = join(dir, 'on-response.cjs');
    writeFileSync(
      onResponse,
      `const { openSync, writeSync } = require('node:fs');
const fd = openSync(${JSON.stringify(tally)}, 'a');
module.exports = (status, body) => {
  if (status < 200 || status >= 300) return;
  const match = /"accepted":(\\d+)/.exec(body);
  if (match) writeSync(fd, match[1] + '\\n');
};
`,
    );
    const result = await autocannon({
      url: options.url,
      method: 'POST',
      connections: options.connections,
      duration: options.seconds,
      workers: 2,
      requests: [{ setupRequest: setup as never, onResponse: onResponse as never }],
    });
    const acceptedEvents = readFileSync(tally, 'utf8')
      .split('\n')
      .reduce((sum, line) => sum + (Number(line) || 0), 0);
    return {
      acknowledged: result['2xx'],
      acceptedEvents,
      refused: result.non2xx,
      errors: result.errors + result.timeouts,
      p50: result.latency.p50,
      p99: result.latency.p99,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads `options.url` for `options.seconds` with the templates' bodies. */
export function load(options: LoadOptions): Promise<LoadResult> {
  return hasWrk() ? withWrk(options) : withAutocannon(options);
}
