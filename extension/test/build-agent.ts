import { build } from 'vite';

/** Builds the standalone agent once before the suites run: the browser tests load the real file. */
export default async function setup(): Promise<void> {
  await build({
    configFile: new URL('../vite.agent.config.ts', import.meta.url).pathname,
    logLevel: 'warn',
  });
}
