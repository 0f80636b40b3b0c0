/**
 * The whole pipeline on one machine. `LocalSystem.start()` starts fauxqs (S3, SQS, SNS) and dynalite
 * (DynamoDB) in-process, creates the stack's buckets, table and topics under their configured names,
 * subscribes a queue to both topics, and starts the local Step Functions endpoint over the rendered
 * definition. `process()` then does what AWS would: upload each input under the uploads prefix,
 * deliver the ObjectCreated event to start-workflow, let the executions run, and finally read every
 * outcome back from the emulated services (job table, processed bucket, notification queue).
 */
import type { Readable } from 'node:stream';
import { availableParallelism } from 'node:os';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { resetAwsClients } from '../handlers/adapters/clients';
import { readRuntimeSettings } from '../handlers/runtime/env';
import { limitsFrom } from '../handlers/runtime/image-settings';
import { entrypointTriggeredBy } from '../handlers/runtime/manifest';
import { DynamoJobStore } from '../handlers/adapters/job-store';
import type { JobRecord } from '../handlers/workflow/job-record';
import { S3ObjectStore } from '../handlers/adapters/object-store';
import { startEmulators, type Emulators } from './emulators';
import { LocalSystemError } from './local-system-error';
import { UserError } from './user-error';
import { createClients, createResources, type Clients } from './provision';
import type { FaultSpec } from './faults';
import { FunctionLog } from './function-log';
import { loadHandler, loadTaskFunctions, renderLocalDefinition } from './functions';
import { runBatch, type LocalRunResult, type ProcessOptions } from './batch';
import type { InputFile } from './inputs';
import { invokeLambda } from './lambda-invoke';
import { LOCAL_ACCOUNT_ID } from './lambda-context';
import { NotificationInbox, type ReceivedNotification } from './notifications';
import type { OutcomeSources } from './outcomes';
import { startIamEnforcement } from './iam/start';
import { sendInProcess, type InProcessTransport } from './in-process-transport';
import { signS3WithoutPayloadHash } from './unsigned-payload';
import type { IamEnforcement } from './iam/enforcement';
import { functionEnvironment, localResources, workerTaskFamily, type LocalResources } from './resources';
import { runAsFunction } from './invocation';
import { objectCreatedEvent, type CreatedObject } from './s3-event';
import { reconcilerFor } from './reconciler';
import { LocalStateMachine, type TaskAttempt } from './state-machine';
import { StepFunctionsServer, type ExecutionRecord } from './step-functions-server';
import { defaultFunctionLogFile, type LocalQueues, type LocalSystemOptions } from './system-options';
import { uploadAdmission } from './upload-admission';
import { SEND_AND_WAIT_RESOURCE } from '../asl/definition';
import { startWorker, type RunningWorker } from '../handlers/entrypoints/worker/worker';
import { sendAndWaitForToken } from './send-and-wait';
import { TaskTokens } from './task-tokens';
import { watchUploads } from './upload-events';
import { defaultMemoryBudget } from '../handlers/runtime/admission';

export type { LocalRunResult, ProcessOptions };

/** Inputs larger than one part are uploaded in parts. */
const UPLOAD_PART_BYTES = 8 * 1024 * 1024;

/**
 * The functions read their settings and endpoints from process.env and share process-wide SDK
 * clients, so one process hosts one local system at a time.
 */
let active: LocalSystem | 'starting' | undefined;

export class LocalSystem {
  private runs = 0;
  /** Executions by `<bucket>/<key>` of their source; the first `indexed` executions are in it. */
  private readonly executionsBySource = new Map<string, ExecutionRecord>();
  private indexed = 0;
  private readonly inbox: NotificationInbox;
  private stopped = false;
  /** Told of each attempt of a Task state while a batch runs. */
  onAttempt: ((attempt: TaskAttempt) => void) | undefined;

  private constructor(
    readonly resources: LocalResources,
    /** The environment the functions run with (SDK endpoints, names, settings). */
    readonly environment: Readonly<Record<string, string>>,
    readonly stepFunctions: StepFunctionsServer,
    readonly machine: LocalStateMachine,
    readonly clients: Clients,
    notificationQueueUrl: string,
    topicArns: { readonly success: string; readonly error: string },
    private readonly emulators: Emulators,
    private readonly restoreEnvironment: () => void,
    readonly concurrency: number,
    /** The worker's queues' URLs. */
    readonly queues: LocalQueues,
    private readonly worker: RunningWorker | undefined,
    /** The functions' log lines and the metrics read from them. */
    readonly functionLog: FunctionLog,
    /** Holds every SDK call of the functions to their role policies. */
    readonly iam: IamEnforcement,
    private readonly stopIam: () => void,
  ) {
    this.inbox = new NotificationInbox(clients.sqs, notificationQueueUrl, topicArns);
  }

  /** How this process's clients reach the emulators; another local server joins it with `serve`. */
  get transport(): InProcessTransport {
    return this.emulators.transport;
  }

  static async start(options: LocalSystemOptions = {}): Promise<LocalSystem> {
    if (active) {
      throw new LocalSystemError('A local system is already running in this process; stop it first (the functions read their settings from process.env, which one system owns at a time).');
    }
    active = 'starting';
    try {
      const system = await LocalSystem.create(options);
      active = system;
      return system;
    } catch (error) {
      active = undefined;
      throw error;
    }
  }

  private static async create(options: LocalSystemOptions): Promise<LocalSystem> {
    let resources: LocalResources;
    try {
      resources = localResources(options.stage);
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new LocalSystemError((error as Error).message);
    }
    const concurrency = options.concurrency ?? availableParallelism();
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new LocalSystemError(`Expected a concurrency of at least 1, but received ${concurrency}.`);
    }
    // The functions' clients are built after the emulators start, and then reach them in-process.
    let transport: InProcessTransport | undefined;
    const iam = await startIamEnforcement({
      ...(options.stage ? { stage: options.stage } : {}),
      functions: resources.functions,
      ...(options.policies ? { policies: options.policies } : {}),
      decorate: (client) => {
        signS3WithoutPayloadHash(client);
        if (transport) sendInProcess(client, transport);
      },
    });
    let emulators: Emulators;
    try {
      emulators = await startEmulators({ uploadEvents: options.notifyUploads ?? false });
    } catch (error) {
      iam.stop();
      throw new LocalSystemError(`Could not start the emulators (fauxqs, dynalite) on loopback: ${(error as Error).message}`);
    }
    let restoreEnvironment = () => {};
    const functionLog = new FunctionLog(options.functionLog ?? { file: defaultFunctionLogFile() });
    let server: StepFunctionsServer | undefined;
    let system: LocalSystem | undefined;
    try {
      transport = emulators.transport;
      const clients = createClients(emulators.environment, resources.region, transport);
      const created = await createResources(clients, resources);
      const stateMachineArn = `arn:aws:states:${resources.region}:${LOCAL_ACCOUNT_ID}:stateMachine:${resources.stateMachineName}`;
      const tokens = new TaskTokens();
      const route = resources.workerRoute && { ...resources.workerRoute, queueUrl: created.heavyQueueUrl };
      const machine = new LocalStateMachine({
        definition: renderLocalDefinition(resources.functions, route),
        validate: false,
        functions: await loadTaskFunctions(resources.functions),
        integrations: new Map([[SEND_AND_WAIT_RESOURCE, sendAndWaitForToken(clients.sqs, tokens)]]),
        issueToken: () => tokens.issue(),
        faults: options.faults ?? [],
        retryIntervalMs: options.retryIntervalMs ?? 10,
        onAttempt: (attempt) => system?.onAttempt?.(attempt),
      });
      const reconciler = await reconcilerFor(resources, stateMachineArn);
      server = await StepFunctionsServer.start({ stateMachineArn, machine, concurrency, type: resources.workflowType, onStopped: reconciler, tokens });
      transport.serve(Number(new URL(server.url).port), server.listener);
      const environment: Record<string, string> = {
        ...emulators.environment,
        AWS_ENDPOINT_URL_SFN: server.url,
        ...functionEnvironment(
          options.preset === undefined ? resources : { ...resources, runtimeInputs: { ...resources.runtimeInputs, imagePreset: JSON.stringify(options.preset) } },
          {
            successTopicArn: created.successTopicArn,
            errorTopicArn: created.errorTopicArn,
            stateMachineArn,
            heavyQueueUrl: created.heavyQueueUrl,
            reprocessQueueUrl: created.reprocessQueueUrl,
          },
        ),
        ...options.environment,
      };
      restoreEnvironment = applyEnvironment(environment);
      // The functions' process-wide SDK clients read endpoints when built: rebuild them for these ports.
      resetAwsClients();
      const queues = { heavy: created.heavyQueueUrl, reprocess: created.reprocessQueueUrl, heavyDeadLetter: created.heavyDeadLetterUrl, reprocessDeadLetter: created.reprocessDeadLetterUrl };
      // The worker runs as its ECS task: its SDK calls are held to the task role, its lines go to the function log.
      const worker =
        options.worker === false
          ? undefined
          : runAsFunction(workerTaskFamily(resources.stackName), () => startWorker(options.workerMemoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.workerMemoryBudgetBytes }));
      system = new LocalSystem(
        resources,
        environment,
        server,
        machine,
        clients,
        created.queueUrl,
        { success: created.successTopicArn, error: created.errorTopicArn },
        emulators,
        restoreEnvironment,
        concurrency,
        queues,
        worker,
        functionLog,
        iam.enforcement,
        iam.stop,
      );
      if (options.notifyUploads) system.notifyUploads(options.memoryBudgetBytes ?? defaultMemoryBudget());
      return system;
    } catch (error) {
      iam.stop();
      restoreEnvironment();
      functionLog.close();
      await server?.close().catch(() => {});
      await emulators.stop().catch(() => {});
      if (error instanceof LocalSystemError || error instanceof UserError) throw error;
      throw new LocalSystemError(`Could not set up the local resources: ${(error as Error).message}`);
    }
  }

  private stopNotifications: (() => void) | undefined;

  private notifyUploads(memoryBudgetBytes: number): void {
    // fauxqs reports a presigned POST twice (the form, and the object it stores); S3 sends one event per object revision.
    const delivered = new Map<string, string>();
    const bucket = this.resources.rawBucket;
    const limits = limitsFrom(readRuntimeSettings(['maxInputBytes', 'maxInputPixels', 'maxInputFrames'], this.environment));
    const admit = uploadAdmission(this.clients.s3, limits, memoryBudgetBytes);
    this.stopNotifications = watchUploads(this.emulators.fauxqs.spy, bucket, this.resources.uploadsPrefix, async (key) => {
      const head = await this.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      if (delivered.get(key) === head.ETag) return;
      delivered.set(key, head.ETag ?? '');
      const size = head.ContentLength ?? 0;
      await admit({ bucket, key, size }, async () => {
        await this.deliver([{ bucket, key, size, eTag: head.ETag ?? '', region: this.resources.region }]);
        await this.executionFor({ bucket, key })?.settled;
      });
    });
  }

  /** Replaces the faults injected into executions started from now on. */
  setFaults(faults: readonly FaultSpec[]): void {
    this.machine.faults = faults;
  }

  /**
   * Uploads to the raw bucket as a client would, from bytes or a stream (a batch streams inputs
   * over the byte limit, unread): one PutObject up to {@link UPLOAD_PART_BYTES}, a multipart upload
   * above it (as the SDK's and browsers' upload helpers do; fauxqs also refuses request bodies
   * over 11 MiB). Returns what the S3 event describes.
   */
  async upload(key: string, body: Buffer | Readable, size: number = Buffer.isBuffer(body) ? body.length : NaN): Promise<CreatedObject> {
    const object = { bucket: this.resources.rawBucket, key, size, region: this.resources.region };
    const upload = new Upload({
      client: this.clients.s3,
      partSize: UPLOAD_PART_BYTES,
      params: { Bucket: object.bucket, Key: key, Body: body, ...(size > UPLOAD_PART_BYTES ? {} : { ContentLength: size }) },
    });
    const done = await upload.done();
    if (!done.ETag) throw new LocalSystemError(`Uploading s3://${object.bucket}/${key} returned no ETag.`);
    return {
      ...object,
      eTag: done.ETag,
      ...(size > UPLOAD_PART_BYTES ? { eventName: 'ObjectCreated:CompleteMultipartUpload' } : {}),
      ...(done.VersionId ? { versionId: done.VersionId } : {}),
    };
  }

  /** Delivers an S3 ObjectCreated event for `objects` to the start-workflow function, as S3 would. */
  async deliver(objects: readonly CreatedObject[], eventTime = new Date()): Promise<unknown> {
    const entrypoint = entrypointTriggeredBy('upload');
    const handler = await loadHandler(entrypoint);
    const event = objectCreatedEvent(objects.map((object) => ({ eventTime, ...object })));
    return invokeLambda(this.resources.functions[entrypoint], handler, event);
  }

  /** The execution start-workflow started for an object, if any. */
  executionFor(source: { bucket: string; key: string }): ExecutionRecord | undefined {
    const executions = this.stepFunctions.executions();
    for (const execution of executions.slice(this.indexed)) {
      const input = JSON.parse(execution.input) as { source?: { bucket?: string; key?: string } };
      const id = `${input.source?.bucket}/${input.source?.key}`;
      if (!this.executionsBySource.has(id)) this.executionsBySource.set(id, execution);
    }
    this.indexed = executions.length;
    return this.executionsBySource.get(`${source.bucket}/${source.key}`);
  }

  /** The job record, read from the emulated table through the job store adapter. */
  async readJob(jobId: string): Promise<JobRecord | undefined> {
    const store = new DynamoJobStore(this.clients.dynamodb, this.resources.jobsTable.name);
    return store.get(jobId);
  }

  /** Keys under a prefix of the processed bucket. */
  async processedKeys(prefix: string): Promise<string[]> {
    const store = new S3ObjectStore(this.clients.s3);
    const listed = await store.list(this.resources.processedBucket, prefix);
    return listed.map((entry) => entry.key).sort();
  }

  /** Whether an object still exists in the raw bucket. */
  async rawObjectExists(key: string): Promise<boolean> {
    try {
      await this.clients.s3.send(new HeadObjectCommand({ Bucket: this.resources.rawBucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
  }

  /** Every notification published so far (see notifications.ts). */
  notifications(): Promise<readonly ReceivedNotification[]> {
    return this.inbox.all();
  }

  /** `run-<n>`: each batch uploads under its own prefix, so the same file twice is two uploads. */
  nextRun(): string {
    this.runs += 1;
    return `run-${this.runs}`;
  }

  /**
   * Processes `files` end to end and publishes the outputs and `report.json` into `outDir`
   * (batch.ts). Resolves with the report even when some inputs hit a system failure (listed in
   * `problems`); rejects only when the run as a whole cannot proceed.
   */
  async process(files: readonly InputFile[], options: ProcessOptions): Promise<LocalRunResult> {
    if (this.stopped) throw new LocalSystemError('This local system has been stopped.');
    try {
      return await runBatch(this, files, options);
    } finally {
      this.onAttempt = undefined;
    }
  }

  outcomeSources(): OutcomeSources {
    return {
      jobsTable: this.resources.jobsTable.name,
      workPrefix: this.resources.workPrefix,
      objects: new S3ObjectStore(this.clients.s3),
      processedKeys: (prefix) => this.processedKeys(prefix),
      rawObjectExists: (key) => this.rawObjectExists(key),
    };
  }

  /** Waits for running executions, then stops the endpoint and the emulators and restores the environment. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopNotifications?.();
    try {
      // Executions may wait for the worker: it stops once they have.
      await this.stepFunctions.close();
      // As the task it runs as: its last lines go where its others went.
      await runAsFunction(workerTaskFamily(this.resources.stackName), () => this.worker?.stop(0));
    } finally {
      for (const client of Object.values(this.clients)) client.destroy();
      this.stopIam();
      try {
        await this.emulators.stop();
      } finally {
        this.restoreEnvironment();
        this.functionLog.close();
        if (active === this) active = undefined;
      }
    }
  }
}

/** Sets variables on process.env (the functions read their settings there); returns the undo. */
function applyEnvironment(environment: Readonly<Record<string, string>>): () => void {
  const previous = new Map(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}


