/** A configuration value the agent cannot use; thrown at construction, never defaulted silently. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
