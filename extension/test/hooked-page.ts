/**
 * A page whose first script hooks everything a page can hook, records every message, node or
 * nonce-like string the hooks are handed (`window.hooked`), and tries to send a backend report
 * with a health check and a service fix: through `toJSON`, through guessed nonces, and through
 * `postMessage`. Its one real fault is `HOOKED_FAULT`.
 */

/** The message of the page's one real fault. */
export const HOOKED_FAULT = 'hooked page real fault';

const SCRIPT = `
(() => {
  const natives = {
    stringify: JSON.stringify, parse: JSON.parse, define: Object.defineProperty,
    apply: Reflect.apply, getDescriptor: Object.getOwnPropertyDescriptor,
  };
  const hooked = (window.hooked = []);
  const stolen = (window.stolen = []);
  let busy = false;
  // What a bridge message, its nonce (64 hex digits) or its private node would look like.
  const secret = /nonce|"channel"|selfheal|[0-9a-f]{64}/i;
  const note = (where, value) => {
    if (busy) return;
    busy = true;
    try {
      if (value instanceof Node && value !== document && value.nodeName === 'SELFHEAL-BRIDGE') {
        hooked.push(where + ':node');
        if (!stolen.includes(value)) {
          stolen.push(value);
          value.addEventListener('selfheal:to-page', (e) => hooked.push('stolen:' + e.detail));
        }
        return;
      }
      const text = typeof value === 'string' ? value : natives.stringify(value);
      if (typeof text === 'string' && secret.test(text)) hooked.push(where + ':' + text.slice(0, 4000));
    } catch {
      // Cyclic or exotic values are not messages.
    } finally {
      busy = false;
    }
  };
  const forgedReport = {
    agent: 'backend', service: 'orders', hostname: 'db-1', region: 'eu',
    events: [
      { id: 'forged-hc', type: 'health_check', kind: 'db_down', timestamp: Date.now(),
        message: 'FORGED health check: database down' },
      { id: 'forged-fix', type: 'fix_attempt', timestamp: Date.now(), message: 'FORGED fix',
        data: { strategy: 'reconnect_database', fingerprint: 'forged' } },
    ],
  };

  // (a) toJSON on every object: what native JSON.stringify consults, and a way to rewrite reports.
  natives.define(Object.prototype, 'toJSON', {
    configurable: true, writable: true,
    value(key) {
      note('toJSON', this);
      if (!busy && this && typeof this === 'object' && this.type === 'report' && this.report)
        return { ...this, report: forgedReport };
      return this;
    },
  });

  // (b) JSON itself.
  JSON.stringify = function (...args) { note('JSON.stringify', args[0]); return natives.apply(natives.stringify, JSON, args); };
  JSON.parse = function (...args) { note('JSON.parse', args[0]); return natives.apply(natives.parse, JSON, args); };

  // (c) Getters and setters on Object.prototype and Array.prototype that watch and step aside.
  const names = ['nonce', 'channel', 'v', 'type', 'id', 'report', 'detail', 'bubbles', 'cancelable',
    'composed', 'relatedTarget', 'view', 'commands', 'retry', 'error', 'config', 'agent', 'service',
    'events', 'ok', '0', '1', '2'];
  for (const proto of [Object.prototype, Array.prototype]) {
    for (const name of names) {
      natives.define(proto, name, {
        configurable: true,
        get() { note('get ' + name, this); return undefined; },
        set(value) {
          note('set ' + name, this);
          note('set ' + name, value);
          natives.define(this, name, { value, writable: true, enumerable: true, configurable: true });
        },
      });
    }
  }
  for (const method of ['push', 'splice', 'every', 'map', 'filter', 'forEach', Symbol.iterator]) {
    const original = Array.prototype[method];
    Array.prototype[method] = function (...args) {
      note('Array ' + String(method), this);
      return natives.apply(original, this, args);
    };
  }
  for (const method of ['call', 'apply', 'bind']) {
    const original = Function.prototype[method];
    natives.define(Function.prototype, method, {
      configurable: true, writable: true,
      value: function (...args) {
        note('Function ' + method, args[0]);
        note('Function ' + method, args[1]);
        return natives.apply(original, this, args);
      },
    });
  }
  for (const method of ['dispatchEvent', 'addEventListener']) {
    const original = EventTarget.prototype[method];
    EventTarget.prototype[method] = function (...args) {
      note(method, this);
      note(method, args[0]);
      return natives.apply(original, this, args);
    };
  }
  const detail = natives.getDescriptor(CustomEvent.prototype, 'detail').get;
  natives.define(CustomEvent.prototype, 'detail', {
    configurable: true,
    get() { const value = natives.apply(detail, this, []); note('CustomEvent.detail', value); return value; },
  });
  const related = natives.getDescriptor(MouseEvent.prototype, 'relatedTarget').get;
  natives.define(MouseEvent.prototype, 'relatedTarget', {
    configurable: true,
    get() { const value = natives.apply(related, this, []); note('MouseEvent.relatedTarget', value); return value; },
  });

  // (d) Guessed nonces, a fake bootstrap and a postMessage flood.
  const forged = (nonce) => ({ channel: 'selfheal', v: 1, nonce, type: 'report', id: 'x', report: forgedReport });
  const mine = document.createElement('selfheal-bridge');
  dispatchEvent(new MouseEvent('selfheal:main-ready', { relatedTarget: mine }));
  dispatchEvent(new Event('selfheal:relay-ready'));
  for (let i = 0; i < 200; i++) {
    const guess = (i.toString(16).padStart(2, '0')).repeat(32);
    const event = () => new CustomEvent('selfheal:from-page', { detail: natives.stringify(forged(guess)) });
    for (const target of [window, document, document.documentElement, mine]) target.dispatchEvent(event());
    postMessage(forged(guess), '*');
  }
  setTimeout(() => { throw new Error('${HOOKED_FAULT}'); }, 50);
})();
`;

/** The page's HTML: the hooks run in its first script, right after the extension's bootstrap. */
export const HOOKED_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>hooked</title><script>${SCRIPT}</script></head><body><h1>hooked</h1></body></html>`;
