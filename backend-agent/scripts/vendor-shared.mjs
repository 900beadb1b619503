// Makes dist/ stand on its own outside this repository: copies @selfheal/shared's build into
// dist/vendor/shared and points every import of it there, so the packed tarball installs with
// npm alone (its only other dependency is zod).
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const shared = join(root, '..', 'shared', 'dist');
const vendor = join(dist, 'vendor', 'shared');

rmSync(vendor, { recursive: true, force: true });
cpSync(shared, vendor, {
  recursive: true,
  filter: (path) => !/\.test\.(js|d\.ts)$/.test(path) && !path.endsWith('.tsbuildinfo'),
});

const ENTRIES = {
  '@selfheal/shared/protocol': join(vendor, 'protocol', 'index.js'),
  '@selfheal/shared': join(vendor, 'index.js'),
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === join(dist, 'vendor')) continue;
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(js|d\.ts)$/.test(name)) yield path;
  }
}

for (const file of files(dist)) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(/(['"])(@selfheal\/shared(?:\/protocol)?)\1/g, (_, quote, spec) => {
    let path = relative(dirname(file), ENTRIES[spec]).replaceAll('\\', '/');
    if (!path.startsWith('.')) path = `./${path}`;
    return `${quote}${path}${quote}`;
  });
  if (next !== text) writeFileSync(file, next);
}
