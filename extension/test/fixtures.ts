import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOOKED_PAGE } from './hooked-page.js';

/** A page server for the browser tests, on 127.0.0.1, with a log of every request it answered. */
export interface FixtureServer {
  /** `http://127.0.0.1:PORT`, one of the extension's default sites. */
  origin: string;
  requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

const html = (body: string, head = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>fixture</title>${head}</head><body>${body}</body></html>`;

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** Every fault class the agent knows, raised by one page. */
const FAULTS_PAGE = html(
  `<h1>faults</h1>
  <script>
    window.results = {};
    // import_error: a module statement in a classic script.
  </script>
  <script src="/static/module-in-classic.js"></script>
  <script src="/static/missing.js"></script>
  <img src="/static/missing.png" alt="">
  <script>
    for (let i = 0; i < 3; i++) setTimeout(() => { null.name; }, i); // type_error, thrice: one group
    setTimeout(() => { notDefinedAnywhere(); }, 0);               // reference_error
    Promise.reject(new Error('Checkout failed to load the basket')); // unhandled rejection
    console.error('Payment widget failed: <b>bold</b> <img src=x onerror="window.pwned=1">');
    fetch('/api/broken', { method: 'POST', body: '{}' }).then((r) => (window.results.post = r.status));
    fetch('http://127.0.0.1:9/unreachable', { method: 'POST' }).catch(() => (window.results.down = 'failed'));
    const until = performance.now() + 300; while (performance.now() < until) {}   // long_task
  </script>`,
);

const FLAKY_PAGE = html(
  `<h1>flaky</h1><script>
    fetch('/api/flaky').then(async (r) => { window.flaky = { status: r.status, body: await r.text() }; });
  </script>`,
);

/** The same error fifty times (the agent merges the repeats), a few other faults and a flaky GET. */
const REPEATS_PAGE = html(
  `<h1>repeats</h1>
  <script src="/static/missing.js"></script>
  <script>
    for (let i = 0; i < 50; i++) setTimeout(() => { throw new Error('Basket total is not a number'); }, 0);
    console.error('Coupon service answered nonsense');
    fetch('/api/broken', { method: 'POST', body: '{}' }).then((r) => (window.post = r.status));
    fetch('/api/flaky').then((r) => (window.flaky = r.status));
  </script>`,
);

/** A page script trying every way in: forged handshakes and messages, reading settings. */
const HOSTILE_PAGE = html(
  `<h1>hostile</h1><script>
    window.seen = [];
    addEventListener('message', (e) => seen.push('message:' + JSON.stringify(e.data)), true);
    for (const name of ['selfheal:main-ready', 'selfheal:relay-ready', 'selfheal:to-page', 'selfheal:from-page']) {
      addEventListener(name, (e) => seen.push(name), true);
      document.addEventListener(name, (e) => seen.push('doc:' + name), true);
    }
    const forged = { channel: 'selfheal', v: 1, nonce: 'f'.repeat(32), type: 'report', id: 'x',
      report: { agent: 'frontend', events: [{ id: 'forged-1', type: 'error', timestamp: Date.now(), message: 'FORGED-REPORT' }] } };
    // A fake bootstrap: announce a node of our own, as the real one does.
    const mine = document.createElement('span');
    mine.addEventListener('selfheal:to-page', (e) => {
      seen.push('got-hello:' + e.detail);
      // Had it won the handshake, it would now know the nonce and use it.
      const nonce = JSON.parse(e.detail).nonce;
      mine.dispatchEvent(new CustomEvent('selfheal:from-page', { detail: JSON.stringify({ ...forged, nonce }) }));
    });
    dispatchEvent(new MouseEvent('selfheal:main-ready', { relatedTarget: mine }));
    mine.dispatchEvent(new CustomEvent('selfheal:from-page', { detail: JSON.stringify(forged) }));
    dispatchEvent(new CustomEvent('selfheal:from-page', { detail: JSON.stringify(forged) }));
    document.dispatchEvent(new CustomEvent('selfheal:from-page', { detail: JSON.stringify(forged) }));
    postMessage(forged, '*');
    window.probe = {
      chrome: typeof chrome !== 'undefined' && !!(chrome.runtime && chrome.runtime.id),
      html: document.documentElement.outerHTML,
      keys: Object.keys(window).filter((k) => /selfheal|collector|projectKey/i.test(k)),
    };
    setTimeout(() => { throw new Error('hostile page real fault'); }, 0);
  </script>`,
);

/** Starts the fixture server; the flaky endpoint answers 500, 500, then 200. */
export async function startFixtures(): Promise<FixtureServer> {
  const requests: FixtureServer['requests'] = [];
  let flakyCalls = 0;
  const routes: Record<string, Route> = {
    '/faults.html': (_q, res) => send(res, 200, 'text/html', FAULTS_PAGE),
    '/flaky.html': (_q, res) => send(res, 200, 'text/html', FLAKY_PAGE),
    '/hostile.html': (_q, res) => send(res, 200, 'text/html', HOSTILE_PAGE),
    '/repeats.html': (_q, res) => send(res, 200, 'text/html', REPEATS_PAGE),
    '/hooked.html': (_q, res) => send(res, 200, 'text/html', HOOKED_PAGE),
    '/quiet.html': (_q, res) => send(res, 200, 'text/html', html('<h1>quiet</h1>')),
    // A classic script with a module statement: an import error on every load.
    '/stale.html': (_q, res) =>
      send(
        res,
        200,
        'text/html',
        html('<h1>stale</h1><script src="/static/module-in-classic.js"></script>'),
      ),
    '/static/module-in-classic.js': (_q, res) =>
      send(res, 200, 'text/javascript', "import { x } from './x.js';\nconsole.log(x);"),
    '/api/broken': (_q, res) => send(res, 503, 'application/json', '{"error":"down"}'),
    '/api/flaky': (_q, res) => {
      flakyCalls += 1;
      if (flakyCalls <= 2) send(res, 500, 'application/json', '{"error":"try later"}');
      else send(res, 200, 'application/json', '{"ok":true}');
    },
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[url.pathname];
    res.on('finish', () =>
      requests.push({ method: req.method ?? 'GET', path: url.pathname, status: res.statusCode }),
    );
    if (route) route(req, res, url);
    else send(res, 404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
