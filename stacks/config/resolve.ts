/**
 * Resolves every stage's settings. Where values come from, later sources winning:
 * 1. the defaults (a few differ for the `prod` stage);
 * 2. cdktf context `settings` — every stage (cdktf.json `"context": { "settings": { … } }`);
 * 3. cdktf context `stages.<stage>` — one stage (`"context": { "stages": { "prod": { … } } }`);
 * 4. environment `IMAGE_PROCESSOR_<SETTING>` — every stage (`IMAGE_PROCESSOR_LOG_RETENTION_DAYS=90`);
 * 5. environment `IMAGE_PROCESSOR_<STAGE>_<SETTING>` — one stage (`IMAGE_PROCESSOR_PROD_REGION=eu-west-1`).
 *
 * The stages are the keys of context `stages` (default `dev` and `prod`), or the comma-separated
 * list in `IMAGE_PROCESSOR_STAGES`. Unknown settings, unknown `IMAGE_PROCESSOR_*` variables and
 * invalid values are errors that name the setting, where the value came from, what was expected
 * and what was received — all of them at once. Hand-written rather than on a schema library:
 * each value's origin is part of its message and of {@link StageConfig.origins}.
 */
import { didYouMean } from '../../handlers/core/suggest';
import { ConfigError } from './errors';
import { InvalidValue, type Setting } from './kinds';
import { stackNameFor } from './names';
import {
  CROSS_CHECKS,
  DEFAULT_STAGES,
  ENV_PREFIX,
  environmentName,
  SETTING_NAMES,
  SETTINGS,
  STAGES_VARIABLE,
  type SettingName,
  type Settings,
} from './settings';

type Environment = Readonly<Record<string, string | undefined>>;

export interface StageConfig {
  readonly stage: string;
  /** `image-processor-<stage>`: the stack name and the prefix of every resource name. */
  readonly stackName: string;
  readonly settings: Settings;
  /** Where each value came from: `default`, `context settings`, `context stages.prod`, or an environment variable name. */
  readonly origins: Readonly<Record<SettingName, string>>;
}

export interface ConfigSources {
  /** Environment variables. @default process.env */
  readonly env?: Environment;
  /** The app's cdktf context: `settings` and `stages` are read. */
  readonly context?: { readonly settings?: unknown; readonly stages?: unknown };
}

const STAGE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_STAGE_LENGTH = 20;

/** Resolves and validates every stage's settings; throws one {@link ConfigError} listing every problem. */
export function loadStageConfigs(sources: ConfigSources = {}): StageConfig[] {
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  const contextSettings = objectOrProblem(sources.context?.settings, 'context settings', problems);
  const contextStages = sources.context?.stages;

  // Which stages.
  let stageOverrides: Record<string, Record<string, unknown>> = {};
  let stages: string[];
  if (contextStages === undefined || contextStages === null) {
    stages = [...DEFAULT_STAGES];
  } else if (Array.isArray(contextStages) && contextStages.every((stage) => typeof stage === 'string')) {
    stages = [...contextStages];
  } else if (typeof contextStages === 'object' && !Array.isArray(contextStages)) {
    stages = Object.keys(contextStages);
    for (const [stage, overrides] of Object.entries(contextStages as Record<string, unknown>)) {
      stageOverrides[stage] = objectOrProblem(overrides, `context stages.${stage}`, problems);
    }
  } else {
    problems.push(`Expected context stages to be an object of stage name → settings (or a list of stage names), but received ${describe(contextStages)}.`);
    stages = [...DEFAULT_STAGES];
    stageOverrides = {};
  }
  const fromEnvironment = env[STAGES_VARIABLE];
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    stages = fromEnvironment.split(',').map((stage) => stage.trim()).filter((stage) => stage !== '');
  }
  if (stages.length === 0) problems.push(`Expected at least one stage, but ${STAGES_VARIABLE} and context stages name none.`);
  for (const stage of stages) {
    if (!STAGE_NAME.test(stage) || stage.length > MAX_STAGE_LENGTH) {
      problems.push(`Expected stage names to be lowercase words joined by hyphens (at most ${MAX_STAGE_LENGTH} characters, such as dev or prod), but received ${JSON.stringify(stage)}.`);
    }
  }
  if (new Set(stages).size !== stages.length) problems.push(`Expected distinct stage names, but received ${stages.join(', ')}.`);

  // Unknown names are errors: they are almost always typos.
  const known = new Set<string>(SETTING_NAMES);
  const unknownKeys = (object: Record<string, unknown>, where: string) => {
    for (const key of Object.keys(object)) {
      if (!known.has(key)) problems.push(`${where} sets ${JSON.stringify(key)}, which is not a setting${didYouMean(key, SETTING_NAMES)}. The settings are listed in docs/infrastructure.md.`);
    }
  };
  unknownKeys(contextSettings, 'context settings');
  for (const [stage, overrides] of Object.entries(stageOverrides)) unknownKeys(overrides, `context stages.${stage}`);

  const environmentSettings = new Map(SETTING_NAMES.map((name) => [`${ENV_PREFIX}${environmentName(name)}`, name]));
  const stageVariablePrefix = (stage: string) => `${ENV_PREFIX}${stage.toUpperCase().replace(/-/g, '_')}_`;
  for (const variable of Object.keys(env).filter((name) => name.startsWith(ENV_PREFIX)).sort()) {
    if (variable === STAGES_VARIABLE || environmentSettings.has(variable)) continue;
    const stage = stages.find((candidate) => variable.startsWith(stageVariablePrefix(candidate)));
    const setting = stage ? environmentSettings.get(`${ENV_PREFIX}${variable.slice(stageVariablePrefix(stage).length)}`) : undefined;
    if (!setting) {
      problems.push(
        `The environment sets ${variable}, which names no setting${stage ? '' : ' and no stage'}: use ${ENV_PREFIX}<SETTING> or ${ENV_PREFIX}<STAGE>_<SETTING> with a setting from docs/infrastructure.md (stages: ${stages.join(', ')}).`,
      );
    }
  }

  const configs = stages.map((stage): StageConfig => {
    const values: Record<string, unknown> = {};
    const origins: Record<string, string> = {};
    for (const name of SETTING_NAMES) {
      const setting: Setting<unknown> = SETTINGS[name];
      const globalVariable = `${ENV_PREFIX}${environmentName(name)}`;
      const stageVariable = `${stageVariablePrefix(stage)}${environmentName(name)}`;
      // [origin, applies to every stage, present, raw value], lowest precedence first.
      const layers: [string, boolean, boolean, unknown][] = [
        ['context settings', true, Object.hasOwn(contextSettings, name), contextSettings[name]],
        [`context stages.${stage}`, false, Object.hasOwn(stageOverrides[stage] ?? {}, name), stageOverrides[stage]?.[name]],
        [globalVariable, true, env[globalVariable] !== undefined, env[globalVariable]],
        [stageVariable, false, env[stageVariable] !== undefined, env[stageVariable]],
      ];
      values[name] = setting.default(stage);
      origins[name] = 'default';
      for (const [origin, everyStage, present, raw] of layers) {
        if (!present) continue;
        try {
          values[name] = setting.parse(raw);
          origins[name] = origin;
        } catch (error) {
          if (!(error instanceof InvalidValue)) throw error;
          const problem = `${everyStage ? 'E' : `${stackNameFor(stage)}: e`}xpected ${name} (from ${origin}) to be ${error.expected}, but received ${describe(raw)}.`;
          if (!problems.includes(problem)) problems.push(problem);
        }
      }
    }
    const settings = Object.freeze(values) as Settings;
    for (const check of CROSS_CHECKS) problems.push(...check(stage, settings));
    return { stage, stackName: stackNameFor(stage), settings, origins: Object.freeze(origins) as Record<SettingName, string> };
  });

  if (problems.length > 0) throw new ConfigError(problems);
  return configs;
}

function objectOrProblem(value: unknown, where: string, problems: string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`Expected ${where} to be an object of setting name → value, but received ${describe(value)}.`);
  return {};
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
