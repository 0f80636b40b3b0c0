/**
 * The image pipeline's state machine, built in TypeScript so the Retry and Catch blocks are
 * written once and the error codes they match are checked by the compiler.
 * `asl/image-pipeline.asl.json` is this definition with placeholder resources, written by
 * `npm run asl` for review (a test fails when the two differ); `asl/render.ts` renders this one.
 */
import type { ErrorCode } from '../handlers/core/errors';
import type { TaskEntrypointName } from '../handlers/runtime/manifest';
import { LAMBDA_SERVICE_ERRORS, LAMBDA_THROTTLING_ERRORS } from '../handlers/workflow/failure';
import { DEFAULT_WORKER_THRESHOLD, type WorkerThreshold } from '../handlers/workflow/routing';
import { PROCESS_MESSAGE_VERSION } from '../handlers/workflow/worker-messages';

/** Our code for a failure that may succeed on retry; typed, so renaming it in errors.ts fails to compile here. */
const TRANSIENT: ErrorCode = 'TRANSIENT';

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath: string;
  readonly Next: StateName;
}

/** Every state name; a typo in `Next`, `Default` or `StartAt` fails to compile. */
export type StateName =
  | 'ValidateImage'
  | 'ImageValid'
  | 'ChooseProcessor'
  | 'ProcessOnWorker'
  | 'ProcessImage'
  | 'ResizeImage'
  | 'ApplyFilters'
  | 'OptimizeImage'
  | 'NotifySuccess'
  | 'NotifyError';

/** Lambda throttling clears slowly (handlers/workflow/failure.ts records it TRANSIENT once these retries run out), so it gets its own longer schedule, jittered so retries do not arrive together. */
export const LAMBDA_THROTTLING_RETRY: Retrier = {
  ErrorEquals: LAMBDA_THROTTLING_ERRORS,
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
};

/** Lambda's own service faults and our TRANSIENT code: what may succeed on retry. Never a stable code. */
function transientRetry(maxAttempts: number): Retrier {
  return {
    ErrorEquals: [...LAMBDA_SERVICE_ERRORS, TRANSIENT],
    IntervalSeconds: 1,
    MaxAttempts: maxAttempts,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  };
}

export const TASK_RETRY: readonly Retrier[] = [LAMBDA_THROTTLING_RETRY, transientRetry(3)];

/** The SQS integration's own faults (Step Functions names them `SQS.<exception>`): the message may not have been sent. */
export const SQS_SERVICE_ERRORS = ['SQS.SdkClientException', 'SQS.AmazonSQSException', 'SQS.KmsThrottlingException'] as const;

/**
 * ProcessOnWorker's retries: the SQS call failing, or the worker reporting TRANSIENT after its
 * own redeliveries ran out. Each retry sends a new message with a new task token. Never a stable
 * code, and never a heartbeat timeout (the message may still be in the queue).
 */
export const WORKER_TASK_RETRY: readonly Retrier[] = [
  { ErrorEquals: [...SQS_SERVICE_ERRORS, TRANSIENT], IntervalSeconds: 2, MaxAttempts: 1, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/** The Task resource of the SQS integration that waits for the worker to report with the task token. */
export const SEND_AND_WAIT_RESOURCE = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** How heavy images reach the worker, and how long the state machine waits for it. */
export interface WorkerRoute {
  readonly threshold: WorkerThreshold;
  /** The heavy queue's URL, or a placeholder. */
  readonly queueUrl: string;
  readonly heartbeatSeconds: number;
  readonly timeoutSeconds: number;
}

/** The placeholder the checked-in definition carries for the heavy queue's URL (filled at synth, and locally). */
export const HEAVY_QUEUE_URL_VARIABLE = 'HeavyQueueUrl';

/** The route as the settings' defaults give it (stacks/config/worker.ts takes these as its defaults). */
export const DEFAULT_WORKER_ROUTE: WorkerRoute = {
  threshold: DEFAULT_WORKER_THRESHOLD,
  queueUrl: `\${${HEAVY_QUEUE_URL_VARIABLE}}`,
  heartbeatSeconds: 900,
  timeoutSeconds: 1200,
};

/** NotifyError has no Catch (a failure there fails the execution, unrecorded), so it tries once more. */
export const NOTIFY_ERROR_RETRY: readonly Retrier[] = [LAMBDA_THROTTLING_RETRY, transientRetry(4)];

/** Any error left after retries: NotifyError records it (found at $.error) and ends the execution. */
export const CATCH_TO_NOTIFY_ERROR: readonly Catcher[] = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyError' }];

/**
 * The substitution variable a Task entrypoint's function ARN fills: `notify-success` →
 * `NotifySuccessFunctionArn` (written as in CloudFormation DefinitionSubstitutions).
 */
export function functionArnVariable(entrypoint: TaskEntrypointName): string {
  const pascal = entrypoint.replace(/(?:^|-)([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return `${pascal}FunctionArn`;
}

/** What a Task's `Resource` is for an entrypoint: its function's ARN, or a placeholder. */
export type ResourceOf = (entrypoint: TaskEntrypointName) => string;

/** The Task resource of the checked-in definition: `${ValidateFunctionArn}`, … */
export const placeholderResource: ResourceOf = (entrypoint) => `\${${functionArnVariable(entrypoint)}}`;

interface LambdaTaskOptions {
  readonly Comment?: string;
  readonly Parameters?: Readonly<Record<string, string>>;
  /** `null` discards the result (the state's input passes on); omitted, the result replaces the input. */
  readonly ResultPath?: string | null;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
  readonly Next?: StateName;
}

/**
 * A Task invoking one entrypoint's function, its `Resource` named from the entrypoint; retried as
 * every Task is unless told otherwise; ends when there is no `Next`.
 */
function lambdaTask(entrypoint: TaskEntrypointName, { Comment, Parameters, ResultPath, Retry = TASK_RETRY, Catch, Next }: LambdaTaskOptions, resource: ResourceOf) {
  // Keys in the order the reviewed JSON shows them.
  return {
    Type: 'Task',
    ...(Comment === undefined ? {} : { Comment }),
    Resource: resource(entrypoint),
    ...(Parameters === undefined ? {} : { Parameters }),
    ...(ResultPath === undefined ? {} : { ResultPath }),
    Retry,
    ...(Catch === undefined ? {} : { Catch }),
    ...(Next === undefined ? { End: true } : { Next }),
  } as const;
}

/** Each Parallel branch resizes or filters from the master ValidateImage wrote. */
const fromMaster = { 'jobId.$': '$.jobId', 'master.$': '$.validation.master' } as const;

/**
 * The definition with each Task's `Resource` taken from `resource` (the function ARN, or a
 * placeholder for the checked-in JSON).
 */
export function pipelineDefinition(resource: ResourceOf = placeholderResource, worker?: WorkerRoute) {
  const processImage: StateName = worker ? 'ChooseProcessor' : 'ProcessImage';
  return {
    Comment:
      'Validates an uploaded image, derives its renditions and filtered variants from one decode, encodes the web-ready outputs and records the outcome. Task resources are substitution variables such as ValidateFunctionArn (written as in CloudFormation DefinitionSubstitutions, so templatefile renders them too), filled in at synth time (real Lambda ARNs) or by the local runner (in-process handlers).',
    StartAt: 'ValidateImage' satisfies StateName,
    TimeoutSeconds: 3600,
    States: {
      ValidateImage: lambdaTask('validate', {
        Comment:
          'Reads the upload, checks format, bytes, pixels and frames from the header, then decodes it once (failing on corrupt data) into the raw working image the later steps share.',
        Parameters: { 'jobId.$': '$.jobId', 'source.$': '$.source' },
        ResultPath: '$.validation',
        Catch: CATCH_TO_NOTIFY_ERROR,
        Next: 'ImageValid',
      }, resource),
      ImageValid: {
        Type: 'Choice',
        Choices: [{ Variable: '$.validation.valid', BooleanEquals: true, Next: processImage }],
        Default: 'NotifyError' satisfies StateName,
      },
      ...(worker ? workerStates(worker) : {}),
      ProcessImage: {
        Type: 'Parallel',
        Comment: 'Both branches read the raw working image written by ValidateImage; neither decodes the original.',
        Branches: [
          { StartAt: 'ResizeImage' satisfies StateName, States: { ResizeImage: lambdaTask('resize', { Parameters: fromMaster }, resource) } },
          { StartAt: 'ApplyFilters' satisfies StateName, States: { ApplyFilters: lambdaTask('filters', { Parameters: fromMaster }, resource) } },
        ],
        ResultSelector: { 'resized.$': '$[0].renditions', 'filtered.$': '$[1].renditions' },
        ResultPath: '$.intermediates',
        Catch: CATCH_TO_NOTIFY_ERROR,
        Next: 'OptimizeImage' satisfies StateName,
      },
      OptimizeImage: lambdaTask('optimize', {
        Comment: 'Encodes every intermediate rendition into its output formats and writes them to the processed bucket.',
        Parameters: { 'jobId.$': '$.jobId', 'resized.$': '$.intermediates.resized', 'filtered.$': '$.intermediates.filtered' },
        ResultPath: '$.result',
        Catch: CATCH_TO_NOTIFY_ERROR,
        Next: 'NotifySuccess',
      }, resource),
      NotifySuccess: lambdaTask('notify-success', {
        Parameters: { 'jobId.$': '$.jobId', 'source.$': '$.source', 'outputs.$': '$.result.outputs' },
        ResultPath: null,
        Catch: CATCH_TO_NOTIFY_ERROR,
      }, resource),
      NotifyError: lambdaTask('notify-error', {
        Comment:
          'Receives the whole state (a failed validation at $.validation or a caught error at $.error), records the job as FAILED, removes partial outputs and publishes the error notification. The execution then ends successfully: a rejected image is a handled outcome, so a FAILED execution always means the system itself failed.',
        ResultPath: null,
        Retry: NOTIFY_ERROR_RETRY,
      }, resource),
    } satisfies Partial<Record<Exclude<StateName, 'ResizeImage' | 'ApplyFilters'>, unknown>>,
  };
}

/**
 * ChooseProcessor and ProcessOnWorker: an image over the threshold (ValidateImage checked it but
 * did not decode it) is sent to the heavy queue with the task token, grouped by job so one worker
 * at a time holds it; the worker decodes, resizes, filters and optimizes it and reports the outputs
 * (or the code it failed with) by the token.
 */
function workerStates(worker: WorkerRoute) {
  const { threshold } = worker;
  return {
    ChooseProcessor: {
      Type: 'Choice',
      Comment: 'Images within workerThresholdPixels and workerThresholdBytes go to the image functions; the rest to the worker, which has the memory to decode them.',
      Choices: [
        {
          And: [
            { Variable: '$.validation.pixels', NumericLessThanEquals: threshold.pixels },
            { Variable: '$.validation.bytes', NumericLessThanEquals: threshold.bytes },
          ],
          Next: 'ProcessImage' satisfies StateName,
        },
      ],
      Default: 'ProcessOnWorker' satisfies StateName,
    },
    ProcessOnWorker: {
      Type: 'Task',
      Comment:
        'Sends the job to the heavy FIFO queue (grouped by job; deduplicated by the task token, so a resent message is dropped) and waits for the worker to report its outputs or its error by the token; the worker heartbeats while it works.',
      Resource: SEND_AND_WAIT_RESOURCE,
      Parameters: {
        QueueUrl: worker.queueUrl,
        'MessageGroupId.$': '$.jobId',
        'MessageDeduplicationId.$': "States.Hash($$.Task.Token, 'SHA-256')",
        MessageBody: {
          version: PROCESS_MESSAGE_VERSION,
          type: 'process',
          'taskToken.$': '$$.Task.Token',
          'jobId.$': '$.jobId',
          'source.$': '$.source',
          'image.$': '$.validation',
        },
      },
      HeartbeatSeconds: worker.heartbeatSeconds,
      TimeoutSeconds: worker.timeoutSeconds,
      ResultPath: '$.result',
      Retry: WORKER_TASK_RETRY,
      Catch: CATCH_TO_NOTIFY_ERROR,
      Next: 'NotifySuccess' satisfies StateName,
    },
  } as const;
}

/** The definition as checked in (`asl/image-pipeline.asl.json`): placeholders as Task resources. */
export const PIPELINE_DEFINITION = pipelineDefinition(placeholderResource, DEFAULT_WORKER_ROUTE);

/** The text `npm run asl` writes to `asl/image-pipeline.asl.json`. */
export function checkedInJson(): string {
  return `${JSON.stringify(PIPELINE_DEFINITION, null, 2)}\n`;
}
