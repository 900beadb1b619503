import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The page's own code: one battery of real-world uses of fetch, XHR, axios, error handlers and
 * `console.error`. It stores what the page observes in `window.battery`: `answers` (statuses,
 * bodies, events fired, errors caught, handler calls) and `identity` (what the page can see of
 * the globals themselves: names, lengths, texts, descriptors, prototype links, `instanceof`).
 */
export const BATTERY_JS = String.raw`
(async () => {
  const answers = {};
  const identity = {};
  const saved = window.saved || {};
  const NATIVE = /^function\s+\w+\(\)\s+\{\s+\[native code\]\s+\}$/;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const caught = (e) => ({ caught: e && e.name, message: e && String(e.message).replace(/\d{4,5}/g, 'PORT') });
  const check = async (name, run) => {
    try { answers[name] = await run(); } catch (e) { answers[name] = caught(e); }
  };
  const response = async (r) => ({ status: r.status, ok: r.ok, type: r.headers.get('content-type'), body: await r.text() });

  // What the page can see of a function: the same things feature- and bot-detection look at.
  const describe = (fn) => {
    if (typeof fn !== 'function') return typeof fn;
    return {
      name: fn.name, length: fn.length, text: Function.prototype.toString.call(fn), string: String(fn),
      native: NATIVE.test(fn.toString()), keys: Reflect.ownKeys(fn).map(String).sort(),
      hasPrototype: 'prototype' in fn,
    };
  };
  const flags = (owner, key) => {
    const d = Object.getOwnPropertyDescriptor(owner, key);
    return d && { writable: d.writable, enumerable: d.enumerable, configurable: d.configurable, get: typeof d.get };
  };
  const look = () => ({
    fetch: describe(window.fetch),
    fetchFlags: flags(window, 'fetch'),
    xhr: describe(XMLHttpRequest),
    xhrFlags: flags(window, 'XMLHttpRequest'),
    xhrPrototype: flags(XMLHttpRequest, 'prototype'),
    xhrProtoKeys: Reflect.ownKeys(XMLHttpRequest.prototype).map(String).sort(),
    xhrLinks: {
      constructor: XMLHttpRequest.prototype.constructor === XMLHttpRequest,
      instance: new XMLHttpRequest() instanceof XMLHttpRequest,
      protoOf: Object.getPrototypeOf(new XMLHttpRequest()) === XMLHttpRequest.prototype,
      instanceConstructor: new XMLHttpRequest().constructor === XMLHttpRequest,
      savedInstance: saved.XHR ? new saved.XHR() instanceof XMLHttpRequest : 'none',
      instanceOfSaved: saved.XHR ? new XMLHttpRequest() instanceof saved.XHR : 'none',
      eventTarget: new XMLHttpRequest() instanceof EventTarget,
    },
    methods: Object.fromEntries(['open', 'send', 'setRequestHeader', 'abort'].map((m) =>
      [m, { ...describe(XMLHttpRequest.prototype[m]), flags: flags(XMLHttpRequest.prototype, m) }])),
    consoleError: describe(console.error),
    consoleFlags: flags(console, 'error'),
    toString: describe(Function.prototype.toString),
    toStringOfToString: Function.prototype.toString.toString(),
    toStringFlags: flags(Function.prototype, 'toString'),
    savedFetch: saved.fetch ? Function.prototype.toString.call(saved.fetch) : 'none',
    notNew: (() => { try { XMLHttpRequest(); return 'called'; } catch (e) { return e.name; } })(),
    newFetch: (() => { try { new fetch('/'); return 'made'; } catch (e) { return e.name; } })(),
  });
  identity.before = look();
  window.batteryLook = look;

  // fetch
  await check('fetchJson', async () => response(await fetch('/api/json')));
  await check('fetchPostJson', async () =>
    response(await fetch('/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })));
  await check('fetchFormData', async () => {
    const form = new FormData();
    form.append('field', 'form-value');
    form.append('file', new Blob(['file-bytes'], { type: 'text/plain' }), 'a.txt');
    return response(await fetch('/api/echo', { method: 'POST', body: form }));
  });
  await check('fetchRequest', async () => {
    const request = new Request('/api/echo', { method: 'POST', body: 'from-request', headers: { 'x-battery': '1' } });
    const r = await fetch(request);
    return { ...(await response(r)), bodyUsed: request.bodyUsed };
  });
  await check('fetchStreamResponse', async () => {
    const r = await fetch('/api/stream');
    const reader = r.body.getReader();
    let text = '';
    for (let c = await reader.read(); !c.done; c = await reader.read()) text += new TextDecoder().decode(c.value);
    return { status: r.status, text };
  });
  await check('fetchStreamUpload', async () => {
    const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('streamed')); c.close(); } });
    return response(await fetch('/api/echo', { method: 'POST', body, duplex: 'half' }));
  });
  await check('fetchAbort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    return response(await fetch('/api/slow', { signal: controller.signal }));
  });
  await check('fetchAbortedBefore', async () =>
    response(await fetch('/api/json', { signal: AbortSignal.abort() })));
  await check('fetchKeepalive', async () =>
    response(await fetch('/api/echo', { method: 'POST', body: 'kept', keepalive: true })));
  await check('fetch404', async () => response(await fetch('/api/missing')));
  await check('fetchRetried', async () => response(await fetch('/api/down')));
  await check('fetchPost503', async () => response(await fetch('/api/down-post', { method: 'POST', body: 'x' })));
  await check('fetchIllegalThis', async () => response(await fetch.call({}, '/api/json')));
  await check('fetchSaved', async () => (saved.fetch ? response(await saved.fetch('/api/json')) : 'none'));

  // XMLHttpRequest
  const xhr = (setup) => new Promise((resolve) => {
    const x = new XMLHttpRequest();
    const events = [];
    for (const type of ['readystatechange', 'loadstart', 'load', 'error', 'timeout', 'abort', 'loadend']) {
      x.addEventListener(type, () => events.push(type === 'readystatechange' ? 'rs' + x.readyState : type));
    }
    x.onloadend = () => resolve({ status: x.status, readyState: x.readyState, events, result: summary(x) });
    setup(x, events);
  });
  const summary = (x) => {
    const r = x.response;
    if (x.responseType === 'arraybuffer') return r && r.byteLength;
    if (x.responseType === 'blob') return r && [r.size, r.type];
    if (x.responseType === 'document') return r && r.title;
    if (x.responseType === 'json') return r;
    return x.responseText;
  };
  for (const [type, path] of [['', '/api/json'], ['text', '/api/json'], ['json', '/api/json'], ['arraybuffer', '/api/bin'], ['blob', '/api/bin'], ['document', '/api/html']]) {
    await check('xhr:' + (type || 'default'), () => xhr((x) => { x.open('GET', path); x.responseType = type; x.send(); }));
  }
  await check('xhrSync', () => {
    const x = new XMLHttpRequest();
    const events = [];
    x.onreadystatechange = () => events.push(x.readyState);
    x.open('GET', '/api/json', false);
    x.send();
    return { status: x.status, text: x.responseText, events };
  });
  await check('xhrUpload', () => xhr((x, events) => {
    for (const type of ['loadstart', 'load', 'loadend']) x.upload.addEventListener(type, () => events.push('upload:' + type));
    x.open('POST', '/api/echo');
    x.setRequestHeader('content-type', 'text/plain');
    x.send('u'.repeat(200000));
  }));
  await check('xhrAbort', () => xhr((x) => { x.open('GET', '/api/slow'); x.send(); setTimeout(() => x.abort(), 50); }));
  await check('xhrTimeout', () => xhr((x) => { x.open('GET', '/api/slow-timeout'); x.timeout = 100; x.send(); }));
  await check('xhr404', () => xhr((x) => { x.open('GET', '/api/missing'); x.send(); }));
  await check('xhrRetried', () => xhr((x) => { x.open('GET', '/api/down-xhr'); x.send(); }));
  await check('xhrHeaders', () => xhr((x) => {
    x.open('POST', '/api/echo');
    x.setRequestHeader('x-battery', 'xhr');
    x.send('with-header');
  }));
  await check('xhrHandlerProperty', () => new Promise((resolve) => {
    const x = new XMLHttpRequest();
    const states = [];
    x.onreadystatechange = () => { states.push(x.readyState); if (x.readyState === 4) resolve({ states, status: x.status }); };
    x.open('GET', '/api/json');
    x.send();
  }));
  await check('xhrReused', async () => {
    const x = new XMLHttpRequest();
    const once = (path) => new Promise((resolve) => { x.onload = () => resolve(x.status + ' ' + x.responseText); x.open('GET', path); x.send(); });
    return [await once('/api/json'), await once('/api/missing')];
  });
  await check('xhrBadMethod', () => { new XMLHttpRequest().open('GET\n', '/'); return 'opened'; });

  // axios, as the registry ships it
  const axiosAnswer = (r) => ({ status: r.status, data: r.data });
  const axiosError = (e) => ({ name: e.name, code: e.code, status: e.response && e.response.status });
  await check('axiosGet', async () => axiosAnswer(await axios.get('/api/json')));
  await check('axiosPost', async () => axiosAnswer(await axios.post('/api/echo', { posted: true })));
  await check('axiosFetchAdapter', async () => axiosAnswer(await axios.get('/api/json', { adapter: 'fetch' })));
  await check('axios404', () => axios.get('/api/missing').then(axiosAnswer, axiosError));
  await check('axiosAbort', () => {
    const controller = new AbortController();
    const pending = axios.get('/api/slow', { signal: controller.signal }).then(axiosAnswer, axiosError);
    setTimeout(() => controller.abort(), 50);
    return pending;
  });

  // The page's own error handlers
  await check('errors', async () => {
    const seen = [];
    const onerror = window.onerror;
    window.onerror = function (message, source, line, column, error) {
      seen.push(['onerror', String(message), error && error.name]);
      return onerror ? onerror.apply(this, arguments) : false;
    };
    const onError = (e) => seen.push(['error-listener', e.message, e.error && e.error.name]);
    const onRejection = (e) => seen.push(['rejection-listener', String(e.reason && e.reason.message)]);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    const onrejection = window.onunhandledrejection;
    window.onunhandledrejection = function (e) {
      seen.push(['onunhandledrejection', String(e.reason && e.reason.message)]);
      return onrejection ? onrejection.apply(this, arguments) : undefined;
    };
    setTimeout(() => { throw new TypeError('battery thrown'); }, 0);
    // Apart: Sentry ignores global handlers just after it caught an error itself.
    await sleep(100);
    Promise.reject(new Error('battery rejected'));
    const img = document.createElement('img');
    img.onerror = () => seen.push(['img-onerror']);
    img.src = '/api/missing.png';
    document.body.append(img);
    await sleep(300);
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    return seen;
  });
  await check('consoleError', () => {
    const seen = [];
    const previous = console.error;
    console.error = function (...args) { seen.push(args.map(String).join(' ')); return previous.apply(this, args); };
    const returned = console.error('battery console error', 42);
    console.error = previous;
    return { seen, returned: typeof returned };
  });

  identity.after = look();
  window.battery = { answers, identity };
})();
`;

/** The server side of the battery; every other path is the test's. */
export function batteryRoute(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const answer = (status: number, type: string, body: string | Buffer, headers = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  };
  switch (path) {
    case '/battery.js':
      answer(200, 'text/javascript', BATTERY_JS);
      return true;
    case '/api/json':
      answer(200, 'application/json', '{"hello":"world"}');
      return true;
    case '/api/html':
      answer(200, 'text/html', '<!doctype html><title>battery doc</title><p>hi</p>');
      return true;
    case '/api/bin':
      answer(200, 'application/octet-stream', Buffer.alloc(256, 7));
      return true;
    case '/api/missing':
      answer(404, 'text/plain', 'nothing here');
      return true;
    case '/api/down':
    case '/api/down-xhr':
    case '/api/down-post':
      answer(503, 'text/plain', 'down for now');
      return true;
    case '/api/slow':
    case '/api/slow-timeout': {
      const timer = setTimeout(() => answer(200, 'text/plain', 'late'), 800);
      res.on('close', () => clearTimeout(timer));
      return true;
    }
    case '/api/stream': {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      const parts = ['one ', 'two ', 'three'];
      const next = () => {
        const part = parts.shift();
        if (part === undefined) res.end();
        else {
          res.write(part);
          setTimeout(next, 30);
        }
      };
      next();
      return true;
    }
    case '/api/echo': {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const type = String(req.headers['content-type'] ?? '').split(';')[0];
        answer(
          200,
          'application/json',
          JSON.stringify({
            method: req.method,
            type,
            length: body.length,
            head: type === 'multipart/form-data' ? body.includes('form-value') : body.slice(0, 40),
            header: req.headers['x-battery'] ?? null,
          }),
        );
      });
      return true;
    }
    default:
      return false;
  }
}

/** Paths the battery calls that fail in a way the agent retries: hit counts may grow with it. */
export const RETRIED_PATHS = ['GET /api/down', 'GET /api/down-xhr', 'GET /api/slow-timeout'];
