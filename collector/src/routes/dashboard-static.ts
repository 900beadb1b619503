import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';

/** What serving the dashboard needs: the folder of its build. */
export interface DashboardStaticDeps {
  /** The dashboard's built files (`index.html` and `assets/`). */
  dashboardDir: string;
}

/**
 * The page may load only its own scripts and styles and talk only to this collector: error text
 * from agents is rendered as text, and should that ever fail, no injected script or style runs.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** A built asset's name: letters, digits, dots, dashes and underscores, no folders. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)+$/;

const NOT_BUILT = `The dashboard is not built yet.

Build it with:   pnpm --filter @selfheal/dashboard build   (or pnpm build)
then reload this page. The API is served all the same: see /openapi.json.
`;

const SECURITY_HEADERS = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

async function readOrNothing(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** Serves the dashboard's build at `/` and `/assets/*`; without a build, `/` says how to make one. */
export function mountDashboardStatic(app: OpenAPIHono, deps: DashboardStaticDeps): void {
  app.get('/', async (c) => {
    const index = await readOrNothing(join(deps.dashboardDir, 'index.html'));
    if (!index) {
      return c.body(NOT_BUILT, 200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
    }
    return c.body(new Uint8Array(index), 200, {
      ...SECURITY_HEADERS,
      'Content-Type': TYPES['.html'] as string,
      'Cache-Control': 'no-cache',
    });
  });

  app.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    const type = TYPES[extname(name)];
    const file =
      ASSET_NAME.test(name) && type
        ? await readOrNothing(join(deps.dashboardDir, 'assets', name))
        : undefined;
    if (!file || !type) return c.notFound();
    // Vite names each asset by its content hash: a name never changes content.
    return c.body(new Uint8Array(file), 200, {
      ...SECURITY_HEADERS,
      'Content-Type': type,
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });
}
