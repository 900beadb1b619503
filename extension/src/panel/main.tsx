import { render } from 'preact';
import browser from 'webextension-polyfill';
import { App } from './app.js';
import './panel.css';

/** The tab this panel inspects: DevTools' inspected tab, or `?tabId=N` when opened as a page. */
function inspectedTabId(): number | undefined {
  const devtools = (browser as { devtools?: { inspectedWindow?: { tabId?: number } } }).devtools;
  if (typeof devtools?.inspectedWindow?.tabId === 'number') return devtools.inspectedWindow.tabId;
  const param = Number(new URLSearchParams(location.search).get('tabId'));
  return Number.isInteger(param) && param >= 0 ? param : undefined;
}

const root = document.getElementById('app');
if (root) render(<App tabId={inspectedTabId()} />, root);
