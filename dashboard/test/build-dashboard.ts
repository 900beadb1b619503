import { build } from 'vite';

const configFile = new URL('../vite.config.ts', import.meta.url).pathname;

/** Builds the dashboard before the browser tests load it from the collector (CI starts clean). */
export default async function setup(): Promise<void> {
  await build({ configFile, logLevel: 'warn' });
}
