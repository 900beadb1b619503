/** What the start script prints once everything runs. */
export interface BannerFacts {
  dashboardUrl: string;
  collectorUrl: string;
  demoUrl: string;
  adminToken: string;
  projectKey: string;
  serviceKey: string;
  service: string;
  database: string;
  cache: string | null;
  extensionDir: string;
  logDir: string;
  credentialsFile: string;
}

/** The one readable block: where everything is and how to use it. */
export function formatBanner(f: BannerFacts): string {
  const lines = [
    '',
    '  selfheal demo is running',
    '',
    `  Dashboard:      ${f.dashboardUrl}`,
    `  Admin token:    ${f.adminToken}`,
    `  Demo shop:      ${f.demoUrl}`,
    `  Collector:      ${f.collectorUrl}`,
    `  Project key:    ${f.projectKey}   (public: the shop page embeds it)`,
    `  Service key:    ${f.serviceKey}   (service ${f.service}, made just now)`,
    `  Database:       ${f.database}`,
    `  Cache:          ${f.cache ?? 'none: no Redis reachable, the "cache goes away" fault is off (set REDIS_URL)'}`,
    '',
    '  DevTools extension: open chrome://extensions, turn on Developer mode, click',
    `  "Load unpacked" and pick ${f.extensionDir}`,
    '  then open DevTools on the demo shop and choose the Selfheal panel.',
    '',
    `  Credentials are kept in ${f.credentialsFile}; logs in ${f.logDir}.`,
    '  Press Ctrl-C to stop everything.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
