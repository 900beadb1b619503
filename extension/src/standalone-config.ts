import { type AgentConfig, DEFAULT_CONFIG } from './agent/index.js';

const ALIASES: Record<string, keyof AgentConfig> = {
  collector: 'collectorUrl',
  key: 'projectKey',
  autoFix: 'autoFixEnabled',
  reporting: 'reportingEnabled',
};

/**
 * The config the tag's data- attributes give: `data-collector`, `data-key`, `data-auto-fix`,
 * `data-reporting`, and any config field in kebab case (`data-retry-base-delay-ms="500"`,
 * `data-critical-selectors="#app,nav"`). Values are typed after the defaults.
 */
export function configFromTag(tag: HTMLOrSVGScriptElement | null): Partial<AgentConfig> {
  const config: Record<string, unknown> = {};
  for (const [name, text] of Object.entries((tag as HTMLScriptElement | null)?.dataset ?? {})) {
    const key = ALIASES[name] ?? name;
    if (text === undefined || !Object.hasOwn(DEFAULT_CONFIG, key)) continue;
    const like = DEFAULT_CONFIG[key as keyof AgentConfig];
    config[key] =
      typeof like === 'boolean'
        ? text !== 'false'
        : typeof like === 'number'
          ? Number(text)
          : Array.isArray(like)
            ? text.split(',').map((s) => s.trim())
            : text;
  }
  return config as Partial<AgentConfig>;
}
