import browser from 'webextension-polyfill';
import { devtoolsKey } from './devtools-key.js';

// The panel learns the inspected tab from `devtools.inspectedWindow` when it runs inside DevTools.
const tabId = browser.devtools.inspectedWindow.tabId;
browser.devtools.panels
  .create('Selfheal', '', 'panel.html')
  .then(() => browser.storage.session.set({ [devtoolsKey(tabId)]: { panelCreatedAt: Date.now() } }))
  .catch(() => undefined);
