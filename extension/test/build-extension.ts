import { build } from 'vite';

const configFile = new URL('../vite.config.ts', import.meta.url).pathname;

/** Builds the extension for Chrome and Firefox before the browser tests load it (CI starts clean). */
export default async function setup(): Promise<void> {
  await build({ configFile, logLevel: 'warn' });
  const previous = process.env.TARGET;
  process.env.TARGET = 'firefox';
  try {
    await build({ configFile, logLevel: 'warn' });
  } finally {
    if (previous === undefined) delete process.env.TARGET;
    else process.env.TARGET = previous;
  }
}
