/**
 * One Lambda function per Lambda entrypoint of the manifest (handlers/runtime/manifest.ts): its
 * role granted exactly the access the manifest declares, exactly the runtime variables it declares
 * (written by handlers/runtime/env.ts), the sharp layer when it needs sharp, and for the upload
 * trigger the asynchronous failure path (retries, then an encrypted SQS queue).
 */
import { TerraformAsset, AssetType, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { executionTimeoutSeconds } from '../../../asl/render';
import { DEFAULT_LIMITS } from '../../../handlers/core/limits';
import { writeRuntimeEnv, type FunctionRuntimeInputs } from '../../../handlers/runtime/env';
import type { WorkerThreshold } from '../../../handlers/workflow/routing';
import { staleJobSeconds } from '../../../handlers/steps/reconcile';
import { describeFunction, entrypointTriggeredBy, FUNCTIONS, MANIFEST, TASK_ENTRYPOINTS, type FunctionName, type TaskEntrypointName, type Trigger } from '../../../handlers/runtime/manifest';
import type { SharpLayer } from '../../packaging/sharp-layer';
import type { ImageStorage } from '../storage/storage';
import { grantAccess } from './access';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, PipelineFunction, type FunctionCode, type PipelineFunctionProps } from './function';
import type { JobsTable } from './jobs-table';
import type { ImageStateMachine } from './state-machine';
import type { NotificationTopics } from './topics';
import type { LogGroupKey } from '../shared/stack-key';

export interface FunctionPackage extends FunctionCode {
  /** Packages the bundle expects from a layer (only `sharp` is provided). */
  readonly externals: readonly string[];
}

/** The sharp layer's zip and what it holds, as stacks/packaging builds it. */
export type SharpLayerArtifact = Pick<SharpLayer, 'path' | 'sha256Base64' | 'sha256Hex' | 'sharpVersion' | 'packages'>;

export interface ImagePipelineProps {
  /** Prefix of every name: `<prefix>-<entrypoint>`, `<prefix>-sharp`, `<prefix>-start-workflow-dlq`. */
  readonly namePrefix: string;
  /** The `service` of every log line and metric: what the alarms and the dashboard select by (the stack's name). */
  readonly serviceName: string;
  readonly code: Readonly<Record<FunctionName, FunctionPackage>>;
  readonly sharpLayer: SharpLayerArtifact;
  readonly storage: ImageStorage;
  readonly table: JobsTable;
  readonly topics: NotificationTopics;
  /** Memory, timeout and reserved concurrency per function. @default each entrypoint's manifest values */
  readonly sizes?: Partial<Readonly<Record<FunctionName, { readonly memoryMb: number; readonly timeoutSeconds: number; readonly reservedConcurrency: number }>>>;
  /** The state machine's type: how long an execution may run decides when an open job is stuck. @default 'STANDARD' */
  readonly workflowType?: 'STANDARD' | 'EXPRESS';
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** The key that encrypts every function's log group (its policy then lets CloudWatch Logs use it for that group alone). */
  readonly logKey: LogGroupKey;
  /** @default 30 */
  readonly jobTtlDays?: number;
  /** @default 'INFO' */
  readonly applicationLogLevel?: PipelineFunctionProps['applicationLogLevel'];
  /** @default 'INFO' */
  readonly systemLogLevel?: PipelineFunctionProps['systemLogLevel'];
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
  /** Images over it are validated but left undecoded for the worker (the state machine's ChooseProcessor has the same). @default none: ValidateImage decodes every image */
  readonly workerThreshold?: WorkerThreshold;
}

export class ImagePipeline extends Construct {
  readonly functions: Readonly<Record<FunctionName, PipelineFunction>>;
  readonly sharpLayer: LambdaLayerVersion | undefined;
  readonly failedEvents: SqsQueue;
  private stateMachine: ImageStateMachine | undefined;

  constructor(scope: Construct, id: string, props: ImagePipelineProps) {
    super(scope, id);
    checkExternals(props.code);
    const { storage, table, topics } = props;

    if (FUNCTIONS.some((name) => MANIFEST[name].needsSharp)) {
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

    const limits = props.limits ?? DEFAULT_LIMITS;
    const inputs: FunctionRuntimeInputs = {
      serviceName: props.serviceName,
      processedBucket: storage.processedBucket.bucket,
      workPrefix: storage.workPrefix,
      uploadsPrefix: storage.uploadsPrefix,
      jobsTable: table.tableName,
      jobTtlDays: props.jobTtlDays ?? 30,
      successTopicArn: topics.successTopic.arn,
      errorTopicArn: topics.errorTopic.arn,
      // The state machine needs the functions' ARNs first; what depends on it is filled in once connected.
      stateMachineArn: Lazy.stringValue({ produce: () => this.connectedStateMachine().arn }),
      staleJobSeconds: staleJobSeconds(executionTimeoutSeconds(props.workflowType ?? 'STANDARD')),
      imagePreset: props.imagePreset,
      maxInputBytes: limits.maxBytes,
      maxInputPixels: limits.maxPixels,
      maxInputFrames: limits.maxFrames,
      workerThresholdPixels: props.workerThreshold?.pixels,
      workerThresholdBytes: props.workerThreshold?.bytes,
    };

    const functions = {} as Record<FunctionName, PipelineFunction>;
    for (const name of FUNCTIONS) {
      const entry = MANIFEST[name];
      const size = props.sizes?.[name] ?? entry;
      const fn = new PipelineFunction(this, name, {
        functionName: `${props.namePrefix}-${name}`,
        description: entry.description,
        code: props.code[name],
        memoryMb: size.memoryMb,
        timeoutSeconds: size.timeoutSeconds,
        reservedConcurrency: size.reservedConcurrency,
        environment: writeRuntimeEnv(name, inputs),
        ...(this.sharpLayer && entry.needsSharp ? { layers: [this.sharpLayer.arn] } : {}),
        logRetentionDays: props.logRetentionDays ?? 365,
        logKey: props.logKey,
        applicationLogLevel: props.applicationLogLevel ?? 'INFO',
        systemLogLevel: props.systemLogLevel ?? 'INFO',
      });
      grantAccess(fn, entry.access, { storage, table, topics });
      functions[name] = fn;
    }
    this.functions = functions;

    // The upload trigger runs asynchronously (S3 notifications): bounded retries, then the event is kept.
    const startWorkflow = this.triggeredBy('upload');
    this.failedEvents = new SqsQueue(this, 'start_workflow_failures', {
      name: `${props.namePrefix}-start-workflow-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: (props.failedEventRetentionDays ?? 14) * 86_400,
    });
    startWorkflow.addToRolePolicy({ Sid: 'KeepFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.failedEvents.arn });
    new LambdaFunctionEventInvokeConfig(this, 'start_workflow_async', {
      functionName: startWorkflow.functionName,
      maximumRetryAttempts: props.startWorkflowMaxRetries ?? 2,
      maximumEventAgeInSeconds: props.startWorkflowMaxEventAgeSeconds ?? 21_600,
      destinationConfig: { onFailure: { destination: this.failedEvents.arn } },
    });

    this.node.addValidation({
      validate: () => (this.stateMachine ? [] : ['The functions need the state machine: call ImagePipeline.connectStateMachine(stateMachine).']),
    });
  }

  /** The one function `trigger` invokes. */
  triggeredBy(trigger: Exclude<Trigger, 'queue'>): PipelineFunction {
    return this.functions[entrypointTriggeredBy(trigger)];
  }

  /** The functions the state machine's Task states invoke. */
  get taskFunctions(): Record<TaskEntrypointName, PipelineFunction> {
    return Object.fromEntries(TASK_ENTRYPOINTS.map((name) => [name, this.functions[name]])) as Record<TaskEntrypointName, PipelineFunction>;
  }

  /** Tells the functions the state machine's ARN and grants what the manifest declares on it. */
  connectStateMachine(stateMachine: ImageStateMachine): void {
    if (this.stateMachine) throw new Error('The pipeline is already connected to a state machine.');
    this.stateMachine = stateMachine;
    for (const name of FUNCTIONS) {
      const needs = describeFunction(name).access.stateMachine ?? [];
      if (needs.includes('start')) stateMachine.grantStartExecution(this.functions[name]);
      if (needs.includes('describe')) stateMachine.grantDescribeExecutions(this.functions[name]);
    }
  }

  private connectedStateMachine(): ImageStateMachine {
    if (!this.stateMachine) throw new Error('The functions need the state machine: call ImagePipeline.connectStateMachine(stateMachine).');
    return this.stateMachine;
  }
}

/** The bundles and the manifest must agree on sharp, the only package a layer provides. */
function checkExternals(code: Readonly<Record<FunctionName, FunctionPackage>>): void {
  for (const name of FUNCTIONS) {
    const externals = code[name].externals;
    const unknown = externals.filter((external) => external !== 'sharp');
    if (unknown.length > 0) throw new Error(`The ${name} bundle requires ${unknown.join(', ')} at run time, but only sharp is provided (by the layer).`);
    if (externals.includes('sharp') !== MANIFEST[name].needsSharp) {
      throw new Error(
        `The manifest says ${name} ${MANIFEST[name].needsSharp ? 'needs' : 'does not need'} sharp, but its bundle ${externals.includes('sharp') ? 'imports' : 'does not import'} it: fix needsSharp in handlers/runtime/manifest.ts or the imports.`,
      );
    }
  }
}
