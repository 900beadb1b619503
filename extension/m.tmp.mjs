import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const out = await build({
  logLevel: 'silent',
  configFile: false,
  resolve: { conditions: ['@selfheal/source'] },
  build: {
    write: false,
    minify: true,
    target: 'es2020',
    lib: { entry: process.argv[2] ?? 'src/standalone.ts', formats: ['iife'], name: 'x' },
  },
});
const code = out[0].output[0].code;
console.log(code.length, gzipSync(code, { level: 9 }).length);
