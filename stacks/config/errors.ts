/** Every problem of a configuration at once, each a sentence naming the setting, its origin, what was expected and what was received. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The infrastructure configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
