import { type Collector } from '../src/collector.js';
import { type CollectorConfig } from '../src/config.js';
/** The admin token and project key every test collector uses. */
export declare const ADMIN = "test-admin-token";
export declare const KEY = "test-project-key";
/** Postgres for the storage suite; unset, only PGlite runs (and the run says so). */
export declare const TEST_DATABASE_URL: string | undefined;
/** A place to keep data across collector restarts: a PGlite folder or a Postgres database. */
export interface StoreTarget {
    name: 'pglite' | 'postgres';
    /** Config pointing at this store. */
    config(): Partial<CollectorConfig>;
    dispose(): Promise<void>;
}
/** A fresh PGlite folder. */
export declare function pgliteTarget(): StoreTarget;
/** A fresh database on the test Postgres server. */
export declare function postgresTarget(url: string): Promise<StoreTarget>;
/** The stores to run a suite on: PGlite always, Postgres when TEST_DATABASE_URL is set. */
export declare const STORES: Array<{
    name: 'pglite' | 'postgres';
    create: () => Promise<StoreTarget>;
}>;
/** Starts a collector on `target` with the test credentials, listening on a free port. */
export declare function startCollector(target: StoreTarget, overrides?: Partial<CollectorConfig>): Promise<{
    collector: Collector;
    base: string;
}>;
/** An event with a unique id. */
export declare function event(overrides?: Record<string, unknown>): {
    id: string;
    type: string;
    message: string;
    stack: string;
    timestamp: number;
};
/** Sends a report to `base` with the test key. */
export declare function report(base: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
/** GETs `path` with the admin token and parses the JSON answer. */
export declare function adminGet<T = any>(base: string, path: string): Promise<T>;
/** A store and a collector on it for one `describe` block, started before and stopped after. */
export declare function collectorPerSuite(create: () => Promise<StoreTarget>, overrides?: Partial<CollectorConfig>): {
    target: StoreTarget;
    collector: Collector;
    base: string;
};
