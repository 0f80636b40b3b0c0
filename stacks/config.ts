/**
 * The one place for the infrastructure's settings: every setting, its default, its validation
 * and its documentation. `main.ts` turns this into one stack per stage.
 *
 * Where values come from, later sources winning:
 * 1. the defaults below (a few differ for the `prod` stage);
 * 2. cdktf context `settings` — every stage (cdktf.json `"context": { "settings": { … } }`);
 * 3. cdktf context `stages.<stage>` — one stage (`"context": { "stages": { "prod": { … } } }`);
 * 4. environment `IMAGE_PROCESSOR_<SETTING>` — every stage (`IMAGE_PROCESSOR_LOG_RETENTION_DAYS=90`);
 * 5. environment `IMAGE_PROCESSOR_<STAGE>_<SETTING>` — one stage (`IMAGE_PROCESSOR_PROD_REGION=eu-west-1`).
 *
 * The stages are the keys of context `stages` (default `dev` and `prod`), or the comma-separated
 * list in `IMAGE_PROCESSOR_STAGES`. Unknown settings, unknown `IMAGE_PROCESSOR_*` variables and
 * invalid values are errors that name the setting, where the value came from, what was expected
 * and what was received — all of them at once.
 *
 * The state backend is chosen here too, from `TF_STATE_BUCKET` / `TF_STATE_KEY` /
 * `TF_STATE_REGION` (S3) or `TF_CLOUD_ORGANIZATION` (HCP Terraform); see {@link loadBackendConfig}.
 */
import { DEFAULT_LIMITS } from '../handlers/core/limits';
import { didYouMean } from '../handlers/core/suggest';
import { ENTRYPOINTS, type EntrypointName } from '../handlers/runtime/manifest';

type Environment = Readonly<Record<string, string | undefined>>;

// ---------------------------------------------------------------------------------------------
// Setting kinds: each parses a value from cdktf context (JSON) or the environment (a string).
// ---------------------------------------------------------------------------------------------

/** Thrown by a setting's parser; `expected` completes "Expected <setting> to be …". */
class InvalidValue extends Error {
  constructor(readonly expected: string) {
    super(expected);
  }
}

export interface Setting<T> {
  /** One sentence for people; the docs table repeats it. */
  readonly description: string;
  /** What a valid value looks like, as in "Expected logRetentionDays to be <expected>". */
  readonly expected: string;
  readonly default: (stage: string) => T;
  readonly parse: (value: unknown) => T;
}

type ValueOf<S> = S extends Setting<infer T> ? T : never;

interface Common<T> {
  readonly description: string;
  readonly default: T | ((stage: string) => T);
}

const defaultFor = <T>(value: T | ((stage: string) => T)) => (typeof value === 'function' ? (value as (stage: string) => T) : () => value);

function integer(options: Common<number> & { readonly min: number; readonly max: number; readonly unit?: string }): Setting<number> {
  const range = options.max === Number.MAX_SAFE_INTEGER ? `of at least ${options.min}` : `from ${options.min} to ${options.max}`;
  const expected = `a whole number${options.unit ? ` of ${options.unit}` : ''} ${range}`;
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < options.min || number > options.max) {
        throw new InvalidValue(expected);
      }
      return number;
    },
  };
}

function choice<const T extends string | number>(values: readonly T[], options: Common<T>): Setting<T> {
  const expected = `one of ${values.join(', ')}`;
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      const match = values.find((candidate) => candidate === value || String(candidate) === String(value).trim());
      if (match === undefined || (typeof value !== 'string' && typeof value !== 'number')) throw new InvalidValue(expected);
      return match;
    },
  };
}

function flag(options: Common<boolean>): Setting<boolean> {
  const expected = 'true or false';
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const word = value.trim().toLowerCase();
        if (['true', '1', 'yes'].includes(word)) return true;
        if (['false', '0', 'no'].includes(word)) return false;
      }
      throw new InvalidValue(expected);
    },
  };
}

function text(options: Common<string> & { readonly pattern: RegExp; readonly expected: string; readonly maxLength?: number }): Setting<string> {
  return {
    description: options.description,
    expected: options.expected,
    default: defaultFor(options.default),
    parse(value) {
      if (typeof value !== 'string' || !options.pattern.test(value) || value.length > (options.maxLength ?? Infinity)) {
        throw new InvalidValue(options.expected);
      }
      return value;
    },
  };
}

/** Unset by default; `null` in context or an empty environment variable unsets it again. */
function optional<T>(setting: Omit<Setting<T>, 'default'>): Setting<T | undefined> {
  return {
    description: setting.description,
    expected: `${setting.expected}, or empty to leave it unset`,
    default: () => undefined,
    parse: (value) => (value === null || value === undefined || value === '' ? undefined : setting.parse(value)),
  };
}

/** A JSON array in context; a comma-separated list (or a JSON array) in the environment. */
function list<T>(item: Omit<Setting<T>, 'default'>, options: Common<readonly T[]>): Setting<readonly T[]> {
  const expected = `a list (a JSON array, or comma-separated in the environment) whose items are each ${item.expected}`;
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      let items: unknown = value;
      if (typeof value === 'string') {
        const trimmed = value.trim();
        items = trimmed.startsWith('[') ? safeJson(trimmed) : trimmed === '' ? [] : trimmed.split(',').map((part) => part.trim());
      }
      if (!Array.isArray(items)) throw new InvalidValue(expected);
      return Object.freeze(
        items.map((entry, index) => {
          try {
            return item.parse(entry);
          } catch (error) {
            if (error instanceof InvalidValue) throw new InvalidValue(`${expected} (item ${index + 1} is not: ${JSON.stringify(entry)})`);
            throw error;
          }
        }),
      );
    },
  };
}

/** A JSON object of string values (tags). */
function stringMap(options: Common<Readonly<Record<string, string>>>): Setting<Readonly<Record<string, string>>> {
  const expected = 'a JSON object of string values, keys of 1–128 and values of 0–256 characters';
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      const parsed = typeof value === 'string' ? safeJson(value) : value;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidValue(expected);
      const entries = Object.entries(parsed);
      if (entries.some(([key, entry]) => typeof entry !== 'string' || key.length < 1 || key.length > 128 || entry.length > 256)) {
        throw new InvalidValue(expected);
      }
      return Object.freeze(Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))) as Record<string, string>;
    },
  };
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Reusable value shapes.
// ---------------------------------------------------------------------------------------------

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;

const PREFIX = {
  pattern: /^(?:[A-Za-z0-9!_.*'()-]+\/)+$/,
  expected: "a key prefix of safe characters (letters, digits, !_.*'()-) ending with / and not starting with /",
  maxLength: 256,
} as const;

const BUCKET_NAME = {
  pattern: /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*(?:-s3alias|--ol-s3|--x-s3|--table-s3)$)[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/,
  expected: 'an S3 bucket name: 3–63 lowercase letters, digits and hyphens, starting and ending with a letter or digit',
} as const;

const EMAIL = {
  pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  expected: 'an e-mail address',
} as const;

/** The functions that decode or encode images (and get the sharp layer): at least 1536 MB. */
export const IMAGE_ENTRYPOINTS = ['validate', 'resize', 'filters', 'optimize'] as const satisfies readonly EntrypointName[];
export const MIN_IMAGE_MEMORY_MB = 1536;

/** Memory and timeout of each function; the local runner uses the same numbers. */
export const FUNCTION_DEFAULTS: Readonly<Record<EntrypointName, { readonly memoryMb: number; readonly timeoutSeconds: number }>> = {
  'start-workflow': { memoryMb: 256, timeoutSeconds: 30 },
  validate: { memoryMb: 2048, timeoutSeconds: 120 },
  resize: { memoryMb: 2048, timeoutSeconds: 120 },
  filters: { memoryMb: 2048, timeoutSeconds: 120 },
  optimize: { memoryMb: 3008, timeoutSeconds: 300 },
  'notify-success': { memoryMb: 256, timeoutSeconds: 30 },
  'notify-error': { memoryMb: 256, timeoutSeconds: 30 },
};

/** The variables the handlers read (handlers/entrypoints/lambda/runtime-config.ts and dependencies.ts). */
export type RuntimeVariable =
  | 'PROCESSED_BUCKET'
  | 'WORK_PREFIX'
  | 'JOBS_TABLE'
  | 'JOB_TTL_DAYS'
  | 'SUCCESS_TOPIC_ARN'
  | 'ERROR_TOPIC_ARN'
  | 'STATE_MACHINE_ARN'
  | 'UPLOADS_PREFIX'
  | 'IMAGE_PRESET'
  | 'MAX_INPUT_BYTES'
  | 'MAX_INPUT_PIXELS'
  | 'MAX_INPUT_FRAMES';

/**
 * The variables each function reads. `notifier()` requires both topic ARNs, so both notify
 * functions get both (each may publish only to its own). `IMAGE_PRESET` is set only when a preset
 * is configured; `JOB_TTL_DAYS` only where records are created.
 */
export const FUNCTION_ENVIRONMENT: Readonly<Record<EntrypointName, readonly RuntimeVariable[]>> = {
  'start-workflow': ['JOBS_TABLE', 'JOB_TTL_DAYS', 'STATE_MACHINE_ARN', 'UPLOADS_PREFIX'],
  validate: ['PROCESSED_BUCKET', 'WORK_PREFIX', 'JOBS_TABLE', 'IMAGE_PRESET', 'MAX_INPUT_BYTES', 'MAX_INPUT_PIXELS', 'MAX_INPUT_FRAMES'],
  resize: ['PROCESSED_BUCKET', 'WORK_PREFIX', 'JOBS_TABLE', 'IMAGE_PRESET'],
  filters: ['PROCESSED_BUCKET', 'WORK_PREFIX', 'JOBS_TABLE', 'IMAGE_PRESET'],
  optimize: ['PROCESSED_BUCKET', 'WORK_PREFIX', 'JOBS_TABLE', 'IMAGE_PRESET'],
  'notify-success': ['PROCESSED_BUCKET', 'WORK_PREFIX', 'JOBS_TABLE', 'SUCCESS_TOPIC_ARN', 'ERROR_TOPIC_ARN'],
  'notify-error': ['PROCESSED_BUCKET', 'WORK_PREFIX', 'JOBS_TABLE', 'SUCCESS_TOPIC_ARN', 'ERROR_TOPIC_ARN'],
};

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
export type FunctionSettingName = `${Camel<EntrypointName>}MemoryMb` | `${Camel<EntrypointName>}TimeoutSeconds`;

const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export function memorySettingName(entrypoint: EntrypointName): FunctionSettingName {
  return `${camel(entrypoint)}MemoryMb` as FunctionSettingName;
}

export function timeoutSettingName(entrypoint: EntrypointName): FunctionSettingName {
  return `${camel(entrypoint)}TimeoutSeconds` as FunctionSettingName;
}

// ---------------------------------------------------------------------------------------------
// The settings.
// ---------------------------------------------------------------------------------------------

const isProd = (stage: string) => stage === 'prod';

const BASE_SETTINGS = {
  // General
  region: text({
    description: 'AWS region every resource of the stage is created in.',
    default: 'us-east-1',
    pattern: /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$/,
    expected: 'an AWS region name such as us-east-1',
  }),
  allowedAccountIds: list(
    text({ description: '', default: '', pattern: /^\d{12}$/, expected: 'a 12-digit AWS account id' }),
    {
      description: 'When set, the AWS provider refuses credentials of any other account (a guard against deploying prod into the wrong account).',
      default: [],
    },
  ),
  protectData: flag({
    description: 'Protects stored data from `destroy`: DynamoDB deletion protection on, buckets not force-destroyed, 30-day KMS key deletion window.',
    default: isProd,
  }),
  tags: stringMap({
    description: 'Extra tags on every resource (the provider adds Project, Stage and ManagedBy itself).',
    default: {},
  }),

  // Storage
  uploadsPrefix: text({ description: 'Key prefix in the raw bucket whose ObjectCreated events start a workflow.', default: 'uploads/', ...PREFIX }),
  workPrefix: text({
    description: 'Scratch prefix in the processed bucket for working images and intermediates; expired by a lifecycle rule.',
    default: '_work/',
    ...PREFIX,
  }),
  workExpirationDays: integer({ description: 'Days before scratch objects under workPrefix expire.', default: 1, min: 1, max: 365, unit: 'days' }),
  rawBucketName: optional(
    text({
      description: 'Name of the raw uploads bucket, when the default `<stack>-raw-<account id>-<region>` does not suit.',
      default: '',
      ...BUCKET_NAME,
    }),
  ),
  processedBucketName: optional(
    text({
      description: 'Name of the processed bucket, when the default `<stack>-processed-<account id>-<region>` does not suit.',
      default: '',
      ...BUCKET_NAME,
    }),
  ),
  bucketKmsKeyArn: optional(
    text({
      description: 'Customer managed KMS key for both buckets (SSE-KMS with bucket keys); unset means SSE-S3. The functions are granted this key.',
      default: '',
      pattern: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
      expected: 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    }),
  ),
  rawTransitionDays: integer({
    description: 'Days after upload before raw objects move to rawTransitionStorageClass; 0 keeps them in S3 Standard.',
    default: 30,
    min: 0,
    max: 36500,
    unit: 'days',
  }),
  rawTransitionStorageClass: choice(STORAGE_CLASSES, { description: 'Storage class raw uploads transition to.', default: 'STANDARD_IA' }),
  rawExpirationDays: integer({
    description: 'Days after upload before raw objects expire; 0 keeps them forever.',
    default: 0,
    min: 0,
    max: 36500,
    unit: 'days',
  }),
  noncurrentVersionExpirationDays: integer({
    description: 'Days before overwritten or deleted object versions are removed from both (versioned) buckets.',
    default: 30,
    min: 1,
    max: 36500,
    unit: 'days',
  }),
  abortIncompleteMultipartUploadDays: integer({
    description: 'Days before incomplete multipart uploads are aborted in both buckets.',
    default: 7,
    min: 1,
    max: 365,
    unit: 'days',
  }),
  corsAllowedOrigins: list(
    text({
      description: '',
      default: '',
      pattern: /^(?:\*|https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$/,
      expected: '* or an origin such as https://app.example.com',
    }),
    {
      description:
        'Origins browsers may upload from (CORS on the raw bucket; uploads still need a presigned URL). Empty: no CORS rule. Production names its origins explicitly.',
      default: (stage) => (isProd(stage) ? [] : ['*']),
    },
  ),

  // Functions
  logRetentionDays: choice(LOG_RETENTION_DAYS, {
    description: 'Retention of every log group (functions and state machine).',
    default: (stage) => (isProd(stage) ? 365 : 30),
  }),
  startWorkflowMaxRetries: integer({
    description: 'Retries of a failed asynchronous start-workflow invocation before the event goes to the dead-letter queue.',
    default: 2,
    min: 0,
    max: 2,
  }),
  startWorkflowMaxEventAgeSeconds: integer({
    description: 'Oldest S3 event start-workflow still processes before sending it to the dead-letter queue.',
    default: 21600,
    min: 60,
    max: 21600,
    unit: 'seconds',
  }),
  failedEventRetentionDays: integer({
    description: 'Days the start-workflow dead-letter queue keeps failed S3 events.',
    default: 14,
    min: 1,
    max: 14,
    unit: 'days',
  }),
  jobTtlDays: integer({ description: 'Days before a job record expires from the jobs table (TTL).', default: 30, min: 1, max: 3650, unit: 'days' }),
  maxInputBytes: integer({
    description: 'Largest accepted upload (MAX_INPUT_BYTES); default from handlers/core/limits.ts.',
    default: DEFAULT_LIMITS.maxBytes,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'bytes',
  }),
  maxInputPixels: integer({
    description: 'Largest accepted width × height (MAX_INPUT_PIXELS); default from handlers/core/limits.ts.',
    default: DEFAULT_LIMITS.maxPixels,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'pixels',
  }),
  maxInputFrames: integer({
    description: 'Most frames or pages an input may declare (MAX_INPUT_FRAMES); default from handlers/core/limits.ts.',
    default: DEFAULT_LIMITS.maxFrames,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'frames',
  }),
  imagePreset: optional<string>({
    description: 'Preset as JSON (IMAGE_PRESET), validated at synth time with the handlers’ own parser; unset means the built-in default preset.',
    expected: 'a preset as JSON (see handlers/core/preset.ts)',
    parse(value) {
      const json = typeof value === 'string' ? value : JSON.stringify(value);
      const parsed = typeof value === 'string' ? safeJson(value) : value;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidValue('a preset as a JSON object (see handlers/core/preset.ts)');
      // Loaded only when a preset is configured: the preset module pulls in sharp.
      const { parsePreset } = require('../handlers/core/preset') as typeof import('../handlers/core/preset');
      try {
        parsePreset(parsed);
      } catch (error) {
        throw new InvalidValue(`a valid preset (${(error as Error).message})`);
      }
      return json;
    },
  }),

  // Workflow
  workflowType: choice(['STANDARD', 'EXPRESS'], {
    description: 'Step Functions workflow type. EXPRESS runs at most 5 minutes and does not deduplicate execution names.',
    default: 'STANDARD',
  }),
  workflowLogLevel: choice(['ALL', 'ERROR', 'FATAL', 'OFF'], { description: 'State machine execution log level.', default: 'ERROR' }),
  workflowLogExecutionData: flag({
    description: 'Whether state machine logs include state input and output (pointers and metadata, never image bytes).',
    default: false,
  }),

  // Notifications
  successNotificationEmail: optional(text({ description: 'E-mail address subscribed to the success topic.', default: '', ...EMAIL })),
  errorNotificationEmail: optional(text({ description: 'E-mail address subscribed to the error topic.', default: '', ...EMAIL })),
} satisfies Record<string, Setting<unknown>>;

const FUNCTION_SETTINGS = Object.fromEntries(
  ENTRYPOINTS.flatMap((entrypoint) => {
    const image = (IMAGE_ENTRYPOINTS as readonly string[]).includes(entrypoint);
    return [
      [
        memorySettingName(entrypoint),
        integer({
          description: `Memory of the ${entrypoint} function${image ? ` (image steps need at least ${MIN_IMAGE_MEMORY_MB} MB)` : ''}.`,
          default: FUNCTION_DEFAULTS[entrypoint].memoryMb,
          min: image ? MIN_IMAGE_MEMORY_MB : 128,
          max: 10240,
          unit: 'MB',
        }),
      ],
      [
        timeoutSettingName(entrypoint),
        integer({
          description: `Timeout of the ${entrypoint} function.`,
          default: FUNCTION_DEFAULTS[entrypoint].timeoutSeconds,
          min: 1,
          max: 900,
          unit: 'seconds',
        }),
      ],
    ];
  }),
) as Record<FunctionSettingName, Setting<number>>;

/** Every setting, by name. */
export const SETTINGS: Readonly<typeof BASE_SETTINGS & Record<FunctionSettingName, Setting<number>>> = Object.freeze({
  ...BASE_SETTINGS,
  ...FUNCTION_SETTINGS,
});

export type SettingName = keyof typeof SETTINGS;
export type Settings = { readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export const DEFAULT_STAGES = ['dev', 'prod'] as const;

export const ENV_PREFIX = 'IMAGE_PROCESSOR_';
export const STAGES_VARIABLE = `${ENV_PREFIX}STAGES`;

/** `logRetentionDays` → `LOG_RETENTION_DAYS`. */
export function environmentName(setting: string): string {
  return setting.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The default value of every setting for a stage. */
export function defaultSettings(stage: string): Settings {
  return Object.fromEntries(SETTING_NAMES.map((name) => [name, SETTINGS[name].default(stage)])) as Settings;
}

// ---------------------------------------------------------------------------------------------
// Resolution.
// ---------------------------------------------------------------------------------------------

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The infrastructure configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

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

export const STACK_PREFIX = 'image-processor';
const STAGE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_STAGE_LENGTH = 20;

export function stackNameFor(stage: string): string {
  return `${STACK_PREFIX}-${stage}`;
}

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
    problems.push(...crossCheck(stage, settings));
    return { stage, stackName: stackNameFor(stage), settings, origins: Object.freeze(origins) as Record<SettingName, string> };
  });

  if (problems.length > 0) throw new ConfigError(problems);
  return configs;
}

/** Rules that involve more than one setting. */
function crossCheck(stage: string, settings: Settings): string[] {
  const stack = stackNameFor(stage);
  const problems: string[] = [];
  const { rawTransitionDays, rawExpirationDays, rawTransitionStorageClass } = settings;
  if (rawTransitionDays > 0 && ['STANDARD_IA', 'ONEZONE_IA'].includes(rawTransitionStorageClass) && rawTransitionDays < 30) {
    problems.push(`${stack}: expected rawTransitionDays to be at least 30 for ${rawTransitionStorageClass} (an S3 rule), but received ${rawTransitionDays}.`);
  }
  if (rawTransitionDays > 0 && rawExpirationDays > 0 && rawExpirationDays <= rawTransitionDays) {
    problems.push(`${stack}: expected rawExpirationDays (${rawExpirationDays}) to be later than rawTransitionDays (${rawTransitionDays}), or 0 to keep raw uploads.`);
  }
  if (settings.uploadsPrefix === settings.workPrefix) {
    problems.push(`${stack}: expected uploadsPrefix and workPrefix to differ, but both are ${JSON.stringify(settings.uploadsPrefix)}.`);
  }
  if (settings.rawBucketName && settings.rawBucketName === settings.processedBucketName) {
    problems.push(`${stack}: expected rawBucketName and processedBucketName to differ, but both are ${settings.rawBucketName}.`);
  }
  for (const kind of ['raw', 'processed'] as const) {
    const explicit = kind === 'raw' ? settings.rawBucketName : settings.processedBucketName;
    const length = defaultBucketNameLength(stack, kind, settings.region);
    if (!explicit && length > 63) {
      problems.push(
        `${stack}: the default ${kind} bucket name (${stack}-${kind}-<account id>-${settings.region}) would be ${length} characters, over S3's 63: use a shorter stage name or set ${kind}BucketName.`,
      );
    }
  }
  return problems;
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

// ---------------------------------------------------------------------------------------------
// Names shared with the local runner.
// ---------------------------------------------------------------------------------------------

/** The jobs table's key and TTL attribute, as handlers/adapters/job-store.ts writes them. */
export const JOBS_TABLE_SCHEMA = { partitionKey: 'jobId', ttlAttribute: 'expiresAt' } as const;

function defaultBucketNameLength(stackName: string, kind: 'raw' | 'processed', region: string): number {
  return `${stackName}-${kind}-123456789012-${region}`.length;
}

/** Resource names derived from the stack name; bucket names add the account id and region unless set. */
export function resourceNames(config: Pick<StageConfig, 'stackName'>) {
  const prefix = config.stackName;
  return {
    functionName: (entrypoint: EntrypointName) => `${prefix}-${entrypoint}`,
    defaultBucketName: (kind: 'raw' | 'processed', accountId: string, region: string) => `${prefix}-${kind}-${accountId}-${region}`,
    jobsTable: `${prefix}-jobs`,
    successTopic: `${prefix}-success`,
    errorTopic: `${prefix}-error`,
    stateMachine: `${prefix}-pipeline`,
    startWorkflowDeadLetterQueue: `${prefix}-start-workflow-dlq`,
    sharpLayer: `${prefix}-sharp`,
    topicsKeyAlias: `alias/${prefix}-topics`,
  } as const;
}

// ---------------------------------------------------------------------------------------------
// State backend.
// ---------------------------------------------------------------------------------------------

export type BackendConfig =
  | { readonly kind: 'local' }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** The key with `{stack}` standing for the stack name. */
      readonly keyTemplate: string;
      /** Unset: each stack's own region. */
      readonly region?: string;
    }
  | { readonly kind: 'cloud'; readonly organization: string; readonly hostname?: string; readonly project?: string };

export const DEFAULT_STATE_KEY_PREFIX = 'image-processor';

/**
 * - nothing set: local state files `terraform.<stack>.tfstate` in the project root;
 * - `TF_STATE_BUCKET`: the S3 backend with native lock files (`use_lockfile`), key
 *   `TF_STATE_KEY` (a prefix, or a template containing `{stack}`; default `image-processor`, giving
 *   `image-processor/<stack>.tfstate`) in `TF_STATE_REGION` (default: the stack's region);
 * - `TF_CLOUD_ORGANIZATION` (optional `TF_CLOUD_HOSTNAME`, `TF_CLOUD_PROJECT`): HCP Terraform,
 *   one workspace per stack named after it.
 */
export function loadBackendConfig(env: Environment = process.env): BackendConfig {
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const bucket = value('TF_STATE_BUCKET');
  const key = value('TF_STATE_KEY');
  const region = value('TF_STATE_REGION');
  const organization = value('TF_CLOUD_ORGANIZATION');
  const problems: string[] = [];
  if (bucket && organization) {
    problems.push('Expected one state backend, but both TF_STATE_BUCKET (S3) and TF_CLOUD_ORGANIZATION (HCP Terraform) are set: unset one.');
  }
  if (!bucket && (key || region)) {
    problems.push(`Expected TF_STATE_BUCKET to be set when ${[key && 'TF_STATE_KEY', region && 'TF_STATE_REGION'].filter(Boolean).join(' and ')} ${key && region ? 'are' : 'is'} set (they only configure the S3 backend), but it is not.`);
  }
  if (!organization && (value('TF_CLOUD_HOSTNAME') || value('TF_CLOUD_PROJECT'))) {
    problems.push('Expected TF_CLOUD_ORGANIZATION to be set when TF_CLOUD_HOSTNAME or TF_CLOUD_PROJECT is set, but it is not.');
  }
  if (bucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    problems.push(`Expected TF_STATE_BUCKET to be an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens), but received ${JSON.stringify(bucket)}.`);
  }
  let keyTemplate = `${DEFAULT_STATE_KEY_PREFIX}/{stack}.tfstate`;
  if (key) {
    if (key.startsWith('/') || /\s/.test(key)) {
      problems.push(`Expected TF_STATE_KEY to be an S3 key prefix or template without a leading slash or spaces, but received ${JSON.stringify(key)}.`);
    } else if (key.includes('{stack}')) {
      keyTemplate = key;
    } else if (key.endsWith('.tfstate')) {
      problems.push(
        `Expected TF_STATE_KEY to be a prefix (such as team/image-processor) or to contain {stack} (such as team/{stack}.tfstate), because every stack needs its own state, but received ${JSON.stringify(key)}.`,
      );
    } else {
      keyTemplate = `${key.replace(/\/+$/, '')}/{stack}.tfstate`;
    }
  }
  if (region && !/^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
    problems.push(`Expected TF_STATE_REGION to be an AWS region name such as us-east-1, but received ${JSON.stringify(region)}.`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (bucket) return { kind: 's3', bucket, keyTemplate, ...(region ? { region } : {}) };
  if (organization) {
    const hostname = value('TF_CLOUD_HOSTNAME');
    const project = value('TF_CLOUD_PROJECT');
    return { kind: 'cloud', organization, ...(hostname ? { hostname } : {}), ...(project ? { project } : {}) };
  }
  return { kind: 'local' };
}
