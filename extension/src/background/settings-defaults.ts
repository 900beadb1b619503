import type { PageConfig } from '@selfheal/shared';
import type { Settings } from '@selfheal/shared/protocol';

/** Settings before the user changes any: a collector on this machine, local sites only. */
export const DEFAULT_SETTINGS: Settings = {
  collectorUrl: 'http://127.0.0.1:8787',
  projectKey: '',
  adminToken: '',
  autoFixEnabled: true,
  reportingEnabled: true,
  agentEnabled: true,
  sites: [],
};

/** What a page's agent may know of the settings: the switches, never the key or URLs. */
export function toPageConfig(settings: Settings): PageConfig {
  return {
    autoFixEnabled: settings.autoFixEnabled,
    reportingEnabled: settings.reportingEnabled,
    agentEnabled: settings.agentEnabled,
  };
}
