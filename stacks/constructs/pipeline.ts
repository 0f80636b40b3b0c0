/**
 * One Lambda function per entrypoint (handlers/runtime/manifest.ts), each with its own role
 * granted only what its handler does, the sharp layer for the functions whose bundle needs it,
 * and the asynchronous failure path of start-workflow (retries, then an encrypted SQS queue).
 *
 * What each function may do (FUNCTION_ACCESS below) and which variables it gets
 * (FUNCTION_ENVIRONMENT in stacks/config.ts, shared with the local runner) are two tables: review
 * them together with the handlers.
 */
import { TerraformAsset, AssetType } from 'cdktf';
import { Construct } from 'constructs';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { ENTRYPOINTS, type EntrypointName, type TaskEntrypointName } from '../../handlers/runtime/manifest';
import { defaultSettings, FUNCTION_DEFAULTS, FUNCTION_ENVIRONMENT, type RuntimeVariable } from '../config';
import type { JobsTable } from './jobs-table';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, PipelineFunction, type FunctionCode } from './pipeline-function';
import type { ImageStateMachine } from './state-machine';
import type { ImageStorage } from './storage';
import type { NotificationTopics } from './topics';

const DEFAULTS = defaultSettings('dev');

export { FUNCTION_ENVIRONMENT, type RuntimeVariable };

interface Resources {
  readonly storage: ImageStorage;
  readonly table: JobsTable;
  readonly topics: NotificationTopics;
}

/** What each function may do. start-workflow's `states:StartExecution` is granted by {@link ImagePipeline.connectStateMachine}. */
export const FUNCTION_ACCESS: Readonly<Record<EntrypointName, (fn: PipelineFunction, resources: Resources) => void>> = {
  'start-workflow': (fn, { table }) => table.grantCreateJob(fn),
  validate: (fn, { storage, table }) => {
    storage.grantReadUploads(fn);
    storage.grantWorkArea(fn, ['write']);
    table.grantAdvanceJob(fn);
  },
  resize: (fn, { storage, table }) => {
    storage.grantWorkArea(fn, ['read', 'write']);
    table.grantAdvanceJob(fn);
  },
  filters: (fn, { storage, table }) => {
    storage.grantWorkArea(fn, ['read', 'write']);
    table.grantAdvanceJob(fn);
  },
  optimize: (fn, { storage, table }) => {
    storage.grantWorkArea(fn, ['read']);
    storage.grantWriteOutputs(fn);
    table.grantAdvanceJob(fn);
  },
  // The terminal steps remove the job's scratch objects (so OptimizeImage stays safe to retry).
  'notify-success': (fn, { storage, table, topics }) => {
    storage.grantWorkArea(fn, ['delete']);
    storage.grantListWorkArea(fn);
    table.grantAdvanceJob(fn);
    topics.grantPublish(fn, 'success');
  },
  'notify-error': (fn, { storage, table, topics }) => {
    table.grantAdvanceJob(fn);
    topics.grantPublish(fn, 'error');
    storage.grantCleanUpOutputs(fn);
  },
};

const DESCRIPTIONS: Readonly<Record<EntrypointName, string>> = {
  'start-workflow': 'Starts one idempotently named workflow execution per uploaded object',
  validate: 'ValidateImage: checks the upload and writes the raw working image',
  resize: 'ResizeImage: derives the renditions from the working image',
  filters: 'ApplyFilters: derives the filtered variants from the working image',
  optimize: 'OptimizeImage: encodes the outputs into the processed bucket',
  'notify-success': 'NotifySuccess: records SUCCEEDED and publishes to the success topic',
  'notify-error': 'NotifyError: records FAILED, removes partial outputs, publishes to the error topic',
};

export interface FunctionPackage extends FunctionCode {
  /** Packages the bundle expects from a layer (only `sharp` is provided). */
  readonly externals: readonly string[];
}

export interface LayerPackage {
  readonly path: string;
  readonly sha256Base64: string;
  readonly sha256Hex: string;
  readonly sharpVersion: string;
  readonly packages: readonly { readonly name: string; readonly version: string }[];
}

export interface ImagePipelineProps {
  /** Prefix of every name: `<prefix>-<entrypoint>`, `<prefix>-sharp`, `<prefix>-start-workflow-dlq`. */
  readonly namePrefix: string;
  readonly code: Readonly<Record<EntrypointName, FunctionPackage>>;
  readonly sharpLayer: LayerPackage;
  readonly storage: ImageStorage;
  readonly table: JobsTable;
  readonly topics: NotificationTopics;
  /** Memory and timeout per function. @default FUNCTION_DEFAULTS in stacks/config.ts */
  readonly sizes?: Partial<Readonly<Record<EntrypointName, { readonly memoryMb: number; readonly timeoutSeconds: number }>>>;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default 30 */
  readonly jobTtlDays?: number;
  /** @default DEFAULT_LIMITS of handlers/core/limits.ts */
  readonly limits?: { readonly maxBytes: number; readonly maxPixels: number; readonly maxFrames: number };
  /** Preset JSON. @default the handlers' built-in preset */
  readonly imagePreset?: string;
  /** @default 2 */
  readonly startWorkflowMaxRetries?: number;
  /** @default 21600 */
  readonly startWorkflowMaxEventAgeSeconds?: number;
  /** @default 14 */
  readonly failedEventRetentionDays?: number;
}

export class ImagePipeline extends Construct {
  readonly functions: Readonly<Record<EntrypointName, PipelineFunction>>;
  readonly sharpLayer: LambdaLayerVersion | undefined;
  readonly failedEvents: SqsQueue;
  private connected = false;

  constructor(scope: Construct, id: string, props: ImagePipelineProps) {
    super(scope, id);
    const { storage, table, topics } = props;

    const needsSharp = ENTRYPOINTS.filter((name) => props.code[name].externals.includes('sharp'));
    for (const name of ENTRYPOINTS) {
      const unknown = props.code[name].externals.filter((external) => external !== 'sharp');
      if (unknown.length > 0) throw new Error(`The ${name} bundle requires ${unknown.join(', ')} at run time, but only sharp is provided (by the layer).`);
    }
    if (needsSharp.length > 0) {
      const layerAsset = new TerraformAsset(this, 'sharp_layer_code', {
        path: props.sharpLayer.path,
        type: AssetType.FILE,
        assetHash: props.sharpLayer.sha256Hex,
      });
      const contents = props.sharpLayer.packages.map((entry) => `${entry.name} ${entry.version}`).join(', ');
      this.sharpLayer = new LambdaLayerVersion(this, 'sharp_layer', {
        layerName: `${props.namePrefix}-sharp`,
        description: `sharp ${props.sharpLayer.sharpVersion} for linux-arm64 (glibc): ${contents}`.slice(0, 256),
        filename: layerAsset.path,
        sourceCodeHash: props.sharpLayer.sha256Base64,
        compatibleRuntimes: [LAMBDA_RUNTIME],
        compatibleArchitectures: [LAMBDA_ARCHITECTURE],
      });
    }

    const values: Record<RuntimeVariable, string | undefined> = {
      PROCESSED_BUCKET: storage.processedBucket.bucket,
      WORK_PREFIX: storage.workPrefix,
      JOBS_TABLE: table.tableName,
      JOB_TTL_DAYS: String(props.jobTtlDays ?? DEFAULTS.jobTtlDays),
      SUCCESS_TOPIC_ARN: topics.successTopic.arn,
      ERROR_TOPIC_ARN: topics.errorTopic.arn,
      STATE_MACHINE_ARN: undefined, // set by connectStateMachine
      UPLOADS_PREFIX: storage.uploadsPrefix,
      IMAGE_PRESET: props.imagePreset,
      MAX_INPUT_BYTES: String(props.limits?.maxBytes ?? DEFAULTS.maxInputBytes),
      MAX_INPUT_PIXELS: String(props.limits?.maxPixels ?? DEFAULTS.maxInputPixels),
      MAX_INPUT_FRAMES: String(props.limits?.maxFrames ?? DEFAULTS.maxInputFrames),
    };

    const functions = {} as Record<EntrypointName, PipelineFunction>;
    for (const name of ENTRYPOINTS) {
      const size = props.sizes?.[name] ?? FUNCTION_DEFAULTS[name];
      const environment = Object.fromEntries(
        FUNCTION_ENVIRONMENT[name].flatMap((variable) => (values[variable] === undefined ? [] : [[variable, values[variable]]])),
      ) as Record<string, string>;
      const fn = new PipelineFunction(this, name, {
        functionName: `${props.namePrefix}-${name}`,
        description: DESCRIPTIONS[name],
        code: props.code[name],
        memoryMb: size.memoryMb,
        timeoutSeconds: size.timeoutSeconds,
        environment,
        ...(this.sharpLayer && needsSharp.includes(name) ? { layers: [this.sharpLayer.arn] } : {}),
        logRetentionDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      });
      FUNCTION_ACCESS[name](fn, { storage, table, topics });
      functions[name] = fn;
    }
    this.functions = functions;

    // start-workflow runs asynchronously (S3 notifications): bounded retries, then the event is kept.
    const startWorkflow = functions['start-workflow'];
    this.failedEvents = new SqsQueue(this, 'start_workflow_failures', {
      name: `${props.namePrefix}-start-workflow-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: (props.failedEventRetentionDays ?? DEFAULTS.failedEventRetentionDays) * 86_400,
    });
    startWorkflow.addToRolePolicy({ Sid: 'KeepFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.failedEvents.arn });
    new LambdaFunctionEventInvokeConfig(this, 'start_workflow_async', {
      functionName: startWorkflow.functionName,
      maximumRetryAttempts: props.startWorkflowMaxRetries ?? DEFAULTS.startWorkflowMaxRetries,
      maximumEventAgeInSeconds: props.startWorkflowMaxEventAgeSeconds ?? DEFAULTS.startWorkflowMaxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.failedEvents.arn } },
    });

    this.node.addValidation({
      validate: () => (this.connected ? [] : ['start-workflow needs the state machine: call ImagePipeline.connectStateMachine(stateMachine).']),
    });
  }

  /** The functions the state machine's Task states invoke. */
  get taskFunctions(): Record<TaskEntrypointName, PipelineFunction> {
    const { 'start-workflow': _starter, ...tasks } = this.functions;
    return tasks;
  }

  /** Lets start-workflow start executions of `stateMachine` (and tells it the ARN). */
  connectStateMachine(stateMachine: ImageStateMachine): void {
    if (this.connected) throw new Error('The pipeline is already connected to a state machine.');
    const starter = this.functions['start-workflow'];
    starter.addEnvironment('STATE_MACHINE_ARN', stateMachine.arn);
    stateMachine.grantStartExecution(starter);
    this.connected = true;
  }
}
