import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { type Collector, type CollectorDeps, createCollector } from '../src/collector.js';
import { type CollectorConfig, defaultConfig } from '../src/config.js';

/** The admin token and project key every test collector uses. */
export const ADMIN = 'sha_test-admin-token';
export const KEY = 'shp_test-project-key';

/** Postgres for the storage suite; unset, only PGlite runs (and the run says so). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** A place to keep data across collector restarts: a PGlite folder or a Postgres database. */
export interface StoreTarget {
  name: 'pglite' | 'postgres';
  /** Config pointing at this store. */
  config(): Partial<CollectorConfig>;
  dispose(): Promise<void>;
}

/** A fresh PGlite folder. */
export function pgliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'selfheal-test-'));
  return {
    name: 'pglite',
    config: () => ({ dataDir: dir }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh database on the test Postgres server. */
export async function postgresTarget(url: string): Promise<StoreTarget> {
  const name = `selfheal_test_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    name: 'postgres',
    config: () => ({ databaseUrl: target.toString() }),
    dispose: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The stores to run a suite on: PGlite always, Postgres when TEST_DATABASE_URL is set. */
export const STORES: Array<{ name: 'pglite' | 'postgres'; create: () => Promise<StoreTarget> }> = [
  { name: 'pglite', create: async () => pgliteTarget() },
  ...(TEST_DATABASE_URL
    ? [{ name: 'postgres' as const, create: () => postgresTarget(TEST_DATABASE_URL) }]
    : []),
];

/** Starts a collector on `target` with the test credentials, listening on a free port. */
export async function startCollector(
  target: StoreTarget,
  overrides: Partial<CollectorConfig> = {},
  deps: CollectorDeps = {},
): Promise<{ collector: Collector; base: string }> {
  const collector = await createCollector(
    {
      ...defaultConfig,
      port: 0,
      logLevel: 'silent',
      adminToken: ADMIN,
      projectKey: KEY,
      ...target.config(),
      ...overrides,
    },
    deps,
  );
  const port = await collector.listen();
  return { collector, base: `http://127.0.0.1:${port}` };
}

let counter = 0;
/** An event with a unique id. */
export function event(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    id: `evt-${randomUUID()}-${counter}`,
    type: 'error',
    message: "TypeError: Cannot read properties of undefined (reading 'name')",
    stack:
      "TypeError: Cannot read properties of undefined (reading 'name')\n    at render (https://app.example.com/assets/app.js:10:5)",
    timestamp: Date.now(),
    ...overrides,
  };
}

const serviceKeys = new Map<string, Promise<string>>();

function parseOrNothing(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A service key of `service` on the collector at `base`, made once through the admin API. */
export function serviceKey(base: string, service: string, project = 'default'): Promise<string> {
  const id = `${base} ${project} ${service}`;
  let key = serviceKeys.get(id);
  if (!key) {
    key = fetch(`${base}/api/services/${encodeURIComponent(service)}/keys?project=${project}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    }).then(async (res) => {
      if (res.status !== 201) throw new Error(`service key: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { key: string }).key;
    });
    serviceKeys.set(id, key);
  }
  return key;
}

/**
 * Sends a report to `base`: a backend report with its service's key (the service `svc` when the
 * body names none), any other with the project key, unless `headers` say otherwise.
 */
export async function report(base: string, body: unknown, headers: Record<string, string> = {}) {
  const parsed = typeof body === 'string' ? parseOrNothing(body) : body;
  const claim =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as { agent?: unknown; service?: unknown })
      : {};
  const key =
    headers.authorization !== undefined || claim.agent !== 'backend'
      ? KEY
      : await serviceKey(base, typeof claim.service === 'string' ? claim.service : 'svc');
  return fetch(`${base}/api/report`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A counter's value in the collector's metrics, 0 when it was never counted. */
export async function metric(base: string, name: string): Promise<number> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** GETs `path` with the admin token and parses the JSON answer. */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on them
export async function adminGet<T = any>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A store and a collector on it for one `describe` block, started before and stopped after. */
export function collectorPerSuite(
  create: () => Promise<StoreTarget>,
  overrides: Partial<CollectorConfig> = {},
  deps: () => CollectorDeps = () => ({}),
): { target: StoreTarget; collector: Collector; base: string } {
  const suite = {} as { target: StoreTarget; collector: Collector; base: string };
  beforeAll(async () => {
    suite.target = await create();
    Object.assign(suite, await startCollector(suite.target, overrides, deps()));
  });
  afterAll(async () => {
    await suite.collector?.close();
    await suite.target?.dispose();
  });
  return suite;
}
