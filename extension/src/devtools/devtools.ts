import browser from 'webextension-polyfill';
import { devtoolsKey } from './devtools-key.js';

// The panel learns the inspected tab from `devtools.inspectedWindow` when it runs inside DevTools.
const tabId = browser.devtools.inspectedWindow.tabId;
browser.devtools.panels
  .create('Selfheal', 'icons/icon-32.png', 'panel.html')
  .then(() => browser.storage.session.set({ [devtoolsKey(tabId)]: { panelCreatedAt: Date.now() } }))
  .catch(() => undefined);
