import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { FUNCTIONS, MANIFEST } from '../../../handlers/runtime/manifest';
import { ConfigError } from '../../../stacks/config/errors';
import { memorySettingName, timeoutSettingName } from '../../../stacks/config/functions';
import { loadStageConfigs } from '../../../stacks/config/resolve';
import { defaultSettings, environmentName, SETTING_NAMES, SETTINGS } from '../../../stacks/config/settings';
import { ROOT } from '../support';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('stage settings', () => {
  it('defaults to a dev and a prod stack', () => {
    const stages = loadStageConfigs({ env: {} });
    expect(stages.map((stage) => stage.stackName)).toEqual(['image-processor-dev', 'image-processor-prod']);
    expect(stages.every((stage) => Object.values(stage.origins).every((origin) => origin === 'default'))).toBe(true);
  });

  it('protects data, keeps logs longer and allows no browser origin by default in prod only', () => {
    const [dev, prod] = loadStageConfigs({ env: {} });
    expect(dev!.settings).toMatchObject({ protectData: false, logRetentionDays: 30, corsAllowedOrigins: ['*'] });
    expect(prod!.settings).toMatchObject({ protectData: true, logRetentionDays: 365, corsAllowedOrigins: [] });
  });

  it('takes the input limits from handlers/core/limits.ts', () => {
    expect(defaultSettings('dev')).toMatchObject({
      maxInputBytes: DEFAULT_LIMITS.maxBytes,
      maxInputPixels: DEFAULT_LIMITS.maxPixels,
      maxInputFrames: DEFAULT_LIMITS.maxFrames,
    });
  });

  it('has a memory and timeout setting per entrypoint with the manifest’s defaults, image steps at 1536 MB or more', () => {
    const defaults = defaultSettings('dev');
    for (const name of FUNCTIONS) {
      expect(defaults[memorySettingName(name)]).toBe(MANIFEST[name].memoryMb);
      expect(defaults[timeoutSettingName(name)]).toBe(MANIFEST[name].timeoutSeconds);
    }
    for (const name of FUNCTIONS.filter((entrypoint) => MANIFEST[entrypoint].needsSharp)) {
      expect(defaults[memorySettingName(name)]).toBeGreaterThanOrEqual(1536);
    }
    expect(problemsOf(() => loadStageConfigs({ env: { IMAGE_PROCESSOR_RESIZE_MEMORY_MB: '1024' } }))).toEqual([
      'Expected resizeMemoryMb (from IMAGE_PROCESSOR_RESIZE_MEMORY_MB) to be a whole number of MB from 1536 to 10240, but received "1024".',
    ]);
  });

  it('layers context settings, context stages, environment and per-stage environment, later winning', () => {
    const [dev, prod] = loadStageConfigs({
      env: { IMAGE_PROCESSOR_JOB_TTL_DAYS: '7', IMAGE_PROCESSOR_PROD_JOB_TTL_DAYS: '90', IMAGE_PROCESSOR_PROD_REGION: 'eu-west-1' },
      context: {
        settings: { jobTtlDays: 3, workflowType: 'EXPRESS', region: 'us-west-2', optimizeTimeoutSeconds: 60, validateTimeoutSeconds: 60 },
        stages: { dev: { workflowLogLevel: 'ALL' }, prod: { workflowType: 'STANDARD' } },
      },
    });
    expect(dev!.settings).toMatchObject({ jobTtlDays: 7, workflowType: 'EXPRESS', workflowLogLevel: 'ALL', region: 'us-west-2' });
    expect(prod!.settings).toMatchObject({ jobTtlDays: 90, workflowType: 'STANDARD', workflowLogLevel: 'ERROR', region: 'eu-west-1' });
    expect(dev!.origins).toMatchObject({ jobTtlDays: 'IMAGE_PROCESSOR_JOB_TTL_DAYS', workflowType: 'context settings', workflowLogLevel: 'context stages.dev' });
    expect(prod!.origins).toMatchObject({ jobTtlDays: 'IMAGE_PROCESSOR_PROD_JOB_TTL_DAYS', workflowType: 'context stages.prod', region: 'IMAGE_PROCESSOR_PROD_REGION' });
  });

  it('takes the stages from context or IMAGE_PROCESSOR_STAGES', () => {
    expect(loadStageConfigs({ env: {}, context: { stages: { staging: {}, prod: {} } } }).map((stage) => stage.stage)).toEqual(['staging', 'prod']);
    expect(loadStageConfigs({ env: {}, context: { stages: ['qa'] } }).map((stage) => stage.stage)).toEqual(['qa']);
    expect(loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'dev' } }).map((stage) => stage.stage)).toEqual(['dev']);
  });

  it('parses values from the environment: numbers, booleans, lists, JSON objects, and empty to unset', () => {
    const [dev] = loadStageConfigs({
      env: {
        IMAGE_PROCESSOR_STAGES: 'dev',
        IMAGE_PROCESSOR_PROTECT_DATA: 'yes',
        IMAGE_PROCESSOR_CORS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:3000',
        IMAGE_PROCESSOR_ALLOWED_ACCOUNT_IDS: '["123456789012"]',
        IMAGE_PROCESSOR_TAGS: '{"Team":"media","CostCentre":"42"}',
        IMAGE_PROCESSOR_ERROR_NOTIFICATION_EMAIL: '',
        IMAGE_PROCESSOR_LOG_RETENTION_DAYS: '90',
      },
      context: { settings: { errorNotificationEmail: 'ops@example.com' } },
    });
    expect(dev!.settings).toMatchObject({
      protectData: true,
      corsAllowedOrigins: ['https://app.example.com', 'http://localhost:3000'],
      allowedAccountIds: ['123456789012'],
      tags: { CostCentre: '42', Team: 'media' },
      logRetentionDays: 90,
    });
    expect(dev!.settings.errorNotificationEmail).toBeUndefined();
  });

  it('reports every problem at once, naming the setting, its source, the expectation and the value', () => {
    const problems = problemsOf(() =>
      loadStageConfigs({
        env: { IMAGE_PROCESSOR_LOG_RETENTION_DAYS: '45', IMAGE_PROCESSOR_PROD_REGION: 'mars', IMAGE_PROCESSOR_WORKFLOW_TYPES: 'EXPRESS' },
        context: { settings: { logRetentionDay: 30 }, stages: { dev: { rawTransitionDays: 10 }, prod: {} } },
      }),
    );
    expect(problems).toEqual([
      'context settings sets "logRetentionDay", which is not a setting (did you mean logRetentionDays?). The settings are listed in docs/infrastructure.md.',
      expect.stringContaining('The environment sets IMAGE_PROCESSOR_WORKFLOW_TYPES, which names no setting and no stage'),
      expect.stringMatching(/^Expected logRetentionDays \(from IMAGE_PROCESSOR_LOG_RETENTION_DAYS\) to be one of 1, 3, 5, .*, 3653, but received "45"\.$/),
      'image-processor-dev: expected rawTransitionDays to be at least 30 for STANDARD_IA (an S3 rule), but received 10.',
      'image-processor-prod: expected region (from IMAGE_PROCESSOR_PROD_REGION) to be an AWS region name such as us-east-1, but received "mars".',
    ]);
  });

  it('rejects bad stage names and settings that do not fit together', () => {
    expect(problemsOf(() => loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'Prod_1' } }))).toEqual([
      expect.stringContaining('Expected stage names to be lowercase words joined by hyphens'),
    ]);
    expect(
      problemsOf(() =>
        loadStageConfigs({
          env: { IMAGE_PROCESSOR_STAGES: 'dev' },
          context: { settings: { rawTransitionDays: 60, rawExpirationDays: 45, workPrefix: 'uploads/', rawBucketName: 'same-name', processedBucketName: 'same-name' } },
        }),
      ),
    ).toEqual([
      'image-processor-dev: expected rawExpirationDays (45) to be later than rawTransitionDays (60), or 0 to keep raw uploads.',
      'image-processor-dev: expected uploadsPrefix and workPrefix to differ, but both are "uploads/".',
      'image-processor-dev: expected rawBucketName and processedBucketName to differ, but both are same-name.',
    ]);
    expect(problemsOf(() => loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'integration-test' } }))).toEqual([
      'image-processor-integration-test: the default processed bucket name (image-processor-integration-test-processed-<account id>-us-east-1) would be 65 characters, over S3\'s 63: use a shorter stage name or set processedBucketName.',
    ]);
  });

  it('validates a configured preset with the handlers’ own parser', () => {
    const preset = { name: 'small', renditions: [{ name: 'thumb', width: 200 }], formats: [{ format: 'webp', quality: 70 }] };
    const [dev] = loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'dev' }, context: { settings: { imagePreset: preset } } });
    expect(JSON.parse(dev!.settings.imagePreset!)).toEqual(preset);
    const problems = problemsOf(() => loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_IMAGE_PRESET: '{"name":"x","renditions":[]}' } }));
    expect(problems).toEqual([expect.stringMatching(/^Expected imagePreset \(from IMAGE_PROCESSOR_IMAGE_PRESET\) to be a valid preset \(.+\), but received/)]);
  });

  it('documents every setting with its environment variable in docs/infrastructure.md', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'infrastructure.md'), 'utf8');
    const missing = SETTING_NAMES.filter((name) => !docs.includes(`\`${name}\``) || !docs.includes(environmentName(name)));
    expect(missing).toEqual([]);
    for (const name of SETTING_NAMES) expect(SETTINGS[name].description.length).toBeGreaterThan(10);
  });
});

