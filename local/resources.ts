/**
 * The names and settings of everything the local runner creates, from the stack config
 * (stacks/config/) for the `local` stage: the same resolution as a deployed stage (defaults,
 * cdktf.json context `settings`, `IMAGE_PROCESSOR_<SETTING>` and `IMAGE_PROCESSOR_LOCAL_<SETTING>`
 * variables), the same naming functions. `localResources` is the one mapping from that config
 * onto what the emulators need.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { executionTimeoutSeconds } from '../asl/render';
import { JOBS_TABLE_SCHEMA } from '../handlers/adapters/job-table';
import { isCodedError } from '../handlers/core/errors';
import { staleJobSeconds } from '../handlers/steps/reconcile';
import { readRuntimeSettings, writeRuntimeEnv, type ProcessingRuntimeInputs } from '../handlers/runtime/env';
import { FUNCTIONS, WORKER_ENTRYPOINTS, type FunctionName } from '../handlers/runtime/manifest';
import { ConfigError } from '../stacks/config/errors';
import { memorySettingName, timeoutSettingName } from '../stacks/config/functions';
import { resourceNames } from '../stacks/config/names';
import { loadStageConfigs, type StageConfig } from '../stacks/config/resolve';
import { workerRouteOf } from '../stacks/config/worker';
import { ENV_PREFIX, environmentName, SETTING_NAMES, STAGES_VARIABLE } from '../stacks/config/settings';
import { LOCAL_REGION } from './emulators';
import { LOCAL_ACCOUNT_ID, type LocalFunction } from './lambda-context';
import { UserError } from './user-error';

export const LOCAL_STAGE = 'local';

export interface LocalResources {
  readonly stage: string;
  /** The emulators' region (every local ARN and default bucket name uses it). */
  readonly region: string;
  readonly stackName: string;
  readonly rawBucket: string;
  readonly processedBucket: string;
  /** Uploads under this prefix start a workflow. */
  readonly uploadsPrefix: string;
  /** Scratch prefix in the processed bucket, expired by a lifecycle rule. */
  readonly workPrefix: string;
  readonly workExpirationDays: number;
  readonly jobsTable: { readonly name: string; readonly partitionKey: string; readonly ttlAttribute: string };
  readonly jobTtlDays: number;
  readonly successTopic: string;
  readonly errorTopic: string;
  readonly stateMachineName: string;
  readonly workflowType: 'STANDARD' | 'EXPRESS';
  readonly functions: Readonly<Record<FunctionName, LocalFunction>>;
  /** The worker's FIFO queues and their dead-letter queues, as the stack names and configures them. */
  readonly queues: {
    readonly heavy: string;
    readonly reprocess: string;
    readonly heavyDeadLetter: string;
    readonly reprocessDeadLetter: string;
    readonly visibilitySeconds: number;
    readonly maxReceiveCount: number;
  };
  /** ChooseProcessor's thresholds and ProcessOnWorker's waits; undefined without the worker route (an Express workflow). */
  readonly workerRoute: ReturnType<typeof workerRouteOf>;
  /** The functions' and the worker's runtime settings the stack config decides; the ARNs and queue URLs come when those exist. */
  readonly runtimeInputs: Omit<ProcessingRuntimeInputs, keyof LocalArns>;
}

/** Created at run time, on the emulators. */
export type LocalArns = Pick<ProcessingRuntimeInputs, 'successTopicArn' | 'errorTopicArn' | 'stateMachineArn' | 'heavyQueueUrl' | 'reprocessQueueUrl'>;

/**
 * Every function's and the worker's variables, written as the stack writes them. They share one
 * process (and so one environment), which is sound because each variable holds the same value for
 * every entrypoint that reads it.
 */
export function functionEnvironment(resources: LocalResources, arns: LocalArns): Record<string, string> {
  const inputs: ProcessingRuntimeInputs = { ...resources.runtimeInputs, ...arns };
  const merged: Record<string, string> = {};
  for (const name of [...FUNCTIONS, ...WORKER_ENTRYPOINTS]) {
    for (const [variable, value] of Object.entries(writeRuntimeEnv(name, inputs))) {
      if (merged[variable] !== undefined && merged[variable] !== value) {
        throw new Error(`Expected every function to get the same ${variable}, but ${name} gets ${JSON.stringify(value)} and another ${JSON.stringify(merged[variable])}.`);
      }
      merged[variable] = value;
    }
  }
  return merged;
}

/** The cdktf context (`settings`, `stages`) from cdktf.json, as `cdktf synth` hands it to the app. */
function cdktfContext(): { settings?: unknown; stages?: unknown } {
  try {
    const json = JSON.parse(readFileSync(join(__dirname, '..', 'cdktf.json'), 'utf8')) as { context?: { settings?: unknown; stages?: unknown } };
    return json.context ?? {};
  } catch {
    return {};
  }
}

/**
 * Only the variables that apply to this stage: `IMAGE_PROCESSOR_<SETTING>` and
 * `IMAGE_PROCESSOR_<STAGE>_<SETTING>` (another stage's variables, or the runner's own, are not
 * this stage's business), with the stage list fixed to this stage and its region to the emulators'.
 */
function stageEnvironment(stage: string, env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const global = new Set(SETTING_NAMES.map((name) => `${ENV_PREFIX}${environmentName(name)}`));
  const stagePrefix = `${ENV_PREFIX}${stage.toUpperCase().replace(/-/g, '_')}_`;
  const selected = Object.fromEntries(Object.entries(env).filter(([name]) => global.has(name) || name.startsWith(stagePrefix)));
  return { ...selected, [STAGES_VARIABLE]: stage, [`${stagePrefix}${environmentName('region')}`]: LOCAL_REGION };
}

/**
 * The input limits as the functions' own variables (`MAX_INPUT_BYTES`, …) set them, read as the
 * functions and `npm run process` read them: when set, they win over the stack settings, so a
 * limit means the same in both commands. @throws UserError for a malformed value
 */
function plainLimits(env: Readonly<Record<string, string | undefined>>) {
  try {
    return readRuntimeSettings(['maxInputBytes', 'maxInputPixels', 'maxInputFrames'], env);
  } catch (error) {
    if (isCodedError(error)) throw new UserError(error.message);
    throw error;
  }
}

/**
 * The stack config of `stage`, resolved as for a deployed stage but in the emulators' region, where
 * every local resource is. @throws UserError for an invalid setting
 */
export function localStageConfig(stage: string = LOCAL_STAGE, env: Readonly<Record<string, string | undefined>> = process.env): StageConfig {
  try {
    return loadStageConfigs({ env: stageEnvironment(stage, env), context: cdktfContext() })[0]!;
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(`The stack config for the ${stage} stage is invalid: ${error.message}`);
    throw error;
  }
}

/** The ECS task family (and task role) the worker runs as: locally its calls are held to that role. */
export function workerTaskFamily(stackName: string): string {
  return resourceNames({ stackName }).worker;
}

/** The instance profile (and role) the API's instances run as: locally its calls are held to that role. */
export function apiInstanceProfile(stackName: string): string {
  return resourceNames({ stackName }).apiInstanceProfile;
}

/** Maps the stack config for `stage` onto the local resources. */
export function localResources(stage: string = LOCAL_STAGE, env: Readonly<Record<string, string | undefined>> = process.env): LocalResources {
  const { settings, stackName } = localStageConfig(stage, env);
  const limits = plainLimits(env);
  const names = resourceNames({ stackName });
  const region = LOCAL_REGION;
  const processedBucket = settings.processedBucketName || names.defaultBucketName('processed', LOCAL_ACCOUNT_ID, region);
  const workerRoute = workerRouteOf(settings);
  return {
    stage,
    region,
    stackName,
    rawBucket: settings.rawBucketName || names.defaultBucketName('raw', LOCAL_ACCOUNT_ID, region),
    processedBucket,
    uploadsPrefix: settings.uploadsPrefix,
    workPrefix: settings.workPrefix,
    workExpirationDays: settings.workExpirationDays,
    jobsTable: { name: names.jobsTable, partitionKey: JOBS_TABLE_SCHEMA.partitionKey, ttlAttribute: JOBS_TABLE_SCHEMA.ttlAttribute },
    jobTtlDays: settings.jobTtlDays,
    successTopic: names.successTopic,
    errorTopic: names.errorTopic,
    stateMachineName: names.stateMachine,
    workflowType: settings.workflowType,
    functions: Object.fromEntries(
      FUNCTIONS.map((entrypoint): [FunctionName, LocalFunction] => [
        entrypoint,
        {
          functionName: names.functionName(entrypoint),
          region,
          timeoutSeconds: settings[timeoutSettingName(entrypoint)],
          memoryMb: settings[memorySettingName(entrypoint)],
        },
      ]),
    ) as Record<FunctionName, LocalFunction>,
    queues: {
      heavy: names.queue('heavy'),
      reprocess: names.queue('reprocess'),
      heavyDeadLetter: names.deadLetterQueue('heavy'),
      reprocessDeadLetter: names.deadLetterQueue('reprocess'),
      visibilitySeconds: settings.workerQueueVisibilitySeconds,
      maxReceiveCount: settings.workerMaxReceiveCount,
    },
    workerRoute,
    runtimeInputs: {
      serviceName: stackName,
      processedBucket,
      workerThresholdPixels: workerRoute?.threshold.pixels,
      workerThresholdBytes: workerRoute?.threshold.bytes,
      workerVisibilitySeconds: settings.workerQueueVisibilitySeconds,
      workerHeartbeatSeconds: settings.workerHeartbeatSeconds,
      workerMaxReceiveCount: settings.workerMaxReceiveCount,
      // The in-process worker is given the runner's budget; a worker process of its own may be given one.
      workerMemoryBudgetMb: undefined,
      workPrefix: settings.workPrefix,
      uploadsPrefix: settings.uploadsPrefix,
      jobsTable: names.jobsTable,
      jobTtlDays: settings.jobTtlDays,
      imagePreset: settings.imagePreset,
      maxInputBytes: limits.maxInputBytes ?? settings.maxInputBytes,
      maxInputPixels: limits.maxInputPixels ?? settings.maxInputPixels,
      maxInputFrames: limits.maxInputFrames ?? settings.maxInputFrames,
      staleJobSeconds: staleJobSeconds(executionTimeoutSeconds(settings.workflowType)),
    },
  };
}

