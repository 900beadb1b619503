/** Name of the port each tab's content script opens to the service worker. */
export const TAB_PORT = 'selfheal-tab';
/** Name of the port a panel opens to the service worker. */
export const PANEL_PORT = 'selfheal-panel';
