/** Where the DevTools page notes that it created the panel for a tab. */
export const devtoolsKey = (tabId: number) => `devtools:${tabId}`;
