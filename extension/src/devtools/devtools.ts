import browser from 'webextension-polyfill';

// The panel learns the inspected tab from `devtools.inspectedWindow` when it runs inside DevTools.
void browser.devtools.panels.create('Selfheal', '', 'panel.html');
