export * from './app.js';
export * from './collector.js';
export * from './config.js';
export type { Database, Db } from './db/database.js';
