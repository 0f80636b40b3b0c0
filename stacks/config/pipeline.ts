/**
 * The pipeline: its functions (logs, the upload trigger's retries, job records, input limits, the
 * preset), the state machine, and the notification topics' subscriptions.
 */
import { DEFAULT_LIMITS } from '../../handlers/core/limits';
import { parsePreset } from '../../handlers/core/preset';
import { choice, flag, integer, InvalidValue, optional, safeJson, text } from './kinds';
import { EMAIL, isProd, LOG_RETENTION_DAYS } from './shapes';

export const PIPELINE_SETTINGS = {
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
    description: 'Days the start-workflow and reconciler dead-letter queues keep events they could not deliver.',
    default: 14,
    min: 1,
    max: 14,
    unit: 'days',
  }),
  lambdaAccountConcurrency: integer({
    description:
      'The account’s Lambda concurrency quota in the stage’s region (1000 unless raised): the functions’ reserved concurrency must leave at least 100 of it unreserved, as Lambda requires.',
    default: 1000,
    min: 100,
    max: 1_000_000,
    unit: 'instances',
  }),
  reconcileSweepMinutes: integer({
    description: 'Minutes between the reconciler’s sweeps for jobs open longer than an execution may run (an execution’s event lost, or one that never started).',
    default: 15,
    min: 1,
    max: 1440,
    unit: 'minutes',
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
} as const;
