/**
 * The whole pipeline on one machine. `LocalSystem.start()` starts fauxqs (S3, SQS, SNS) and dynalite
 * (DynamoDB) in-process, creates the stack's buckets, table and topics under their configured names,
 * subscribes a queue to both topics, and starts the local Step Functions endpoint over the rendered
 * definition. `process()` then does what AWS would: upload each input under the uploads prefix,
 * deliver the ObjectCreated event to start-workflow, let the executions run, and finally read every
 * outcome back from the emulated services (job table, processed bucket, notification queue).
 */
import { createReadStream } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { resetAwsClients } from '../handlers/adapters/clients';
import { DynamoJobStore, type JobRecord } from '../handlers/adapters/job-store';
import { S3ObjectStore } from '../handlers/adapters/object-store';
import { causeMessage } from '../handlers/workflow/failure';
import { startEmulators, type Emulators } from './emulators';
import { LocalSystemError } from './local-system-error';
import { prepareOutDir } from './out-dir';
import { createClients, createResources, type Clients } from './provision';
import type { FaultSpec } from './faults';
import { loadHandler, loadTaskFunctions, renderLocalDefinition } from './functions';
import { assignFolders, type InputFile } from './inputs';
import { invokeLambda, TaskFailure } from './lambda-invoke';
import { LOCAL_ACCOUNT_ID } from './lambda-context';
import { createLimiter } from './limit';
import { buildReport, writeReport, type Report, type ReportJob, type ReportOutput } from './report';
import { functionEnvironment, localResources, type LocalResources } from './resources';
import { objectCreatedEvent, type CreatedObject } from './s3-event';
import { LocalStateMachine, stateTimings, type StateTiming } from './state-machine';
import { StepFunctionsServer, type ExecutionRecord } from './step-functions-server';

export interface LocalSystemOptions {
  /** The stack stage whose names and settings are used. @default 'local' */
  readonly stage?: string;
  /** Executions running at once. @default os.availableParallelism() */
  readonly concurrency?: number;
  /** A preset (the parsed JSON), handed to the functions as `IMAGE_PRESET`. @default the built-in preset */
  readonly preset?: unknown;
  /** Faults injected into every execution (see faults.ts). Can be changed between runs with `setFaults`. */
  readonly faults?: readonly FaultSpec[];
  /** Wait before each retry, in place of the definition's backoff. @default 10 */
  readonly retryIntervalMs?: number;
  /** More settings for the functions, e.g. `{ MAX_INPUT_BYTES: '1048576' }`. */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The system itself failed (not an image): the message says what and why. */
/** A notification as read back from the queue subscribed to both topics. */
export interface ReceivedNotification {
  readonly topic: 'success' | 'error' | 'other';
  readonly topicArn: string;
  readonly jobId?: string;
  readonly message: unknown;
}


/** Everything known about one input after a run, for the report, the summary and tests. */
export interface JobTrace {
  readonly input: string;
  readonly folder: string;
  readonly source: { readonly bucket: string; readonly key: string };
  readonly jobId?: string;
  readonly execution?: ExecutionRecord;
  readonly record?: JobRecord;
  readonly notifications: readonly ReceivedNotification[];
  readonly timings: readonly StateTiming[];
  /** Keys under `<jobId>/` in the processed bucket. */
  readonly processedKeys: readonly string[];
  /** What went wrong with the system for this input; empty when the job reached a terminal state cleanly. */
  readonly problems: readonly string[];
}

export interface LocalRunResult {
  readonly report: Report;
  readonly reportPath: string;
  readonly outDir: string;
  readonly jobs: readonly JobTrace[];
  /** System failures (not image verdicts), each a sentence; empty when the run is sound. */
  readonly problems: readonly string[];
}

export interface ProcessOptions {
  readonly outDir: string;
  /** Called as each input's job reaches its end (or fails to). */
  readonly onJobDone?: (job: { input: string; status: 'SUCCEEDED' | 'FAILED' | 'ERROR'; code?: string }) => void;
}

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
  private readonly received: ReceivedNotification[] = [];
  private stopped = false;

  private constructor(
    readonly resources: LocalResources,
    /** The environment the functions run with (SDK endpoints, names, settings). */
    readonly environment: Readonly<Record<string, string>>,
    readonly stepFunctions: StepFunctionsServer,
    readonly machine: LocalStateMachine,
    readonly clients: Clients,
    private readonly notificationQueueUrl: string,
    private readonly topicArns: { readonly success: string; readonly error: string },
    private readonly emulators: Emulators,
    private readonly restoreEnvironment: () => void,
    readonly concurrency: number,
  ) {}

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
      throw new LocalSystemError((error as Error).message);
    }
    const concurrency = options.concurrency ?? availableParallelism();
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new LocalSystemError(`Expected a concurrency of at least 1, but received ${concurrency}.`);
    }
    let emulators: Emulators;
    try {
      emulators = await startEmulators();
    } catch (error) {
      throw new LocalSystemError(`Could not start the emulators (fauxqs, dynalite) on loopback: ${(error as Error).message}`);
    }
    let restoreEnvironment = () => {};
    let server: StepFunctionsServer | undefined;
    try {
      const clients = createClients(emulators.environment, resources.region);
      const created = await createResources(clients, resources);
      const stateMachineArn = `arn:aws:states:${resources.region}:${LOCAL_ACCOUNT_ID}:stateMachine:${resources.stateMachineName}`;
      const machine = new LocalStateMachine({
        definition: renderLocalDefinition(resources.functions),
        functions: await loadTaskFunctions(resources.functions),
        faults: options.faults ?? [],
        retryIntervalMs: options.retryIntervalMs ?? 10,
      });
      server = await StepFunctionsServer.start({ stateMachineArn, machine, concurrency });
      const environment: Record<string, string> = {
        ...emulators.environment,
        AWS_ENDPOINT_URL_SFN: server.url,
        ...functionEnvironment(
          options.preset === undefined ? resources : { ...resources, runtimeInputs: { ...resources.runtimeInputs, imagePreset: JSON.stringify(options.preset) } },
          { successTopicArn: created.successTopicArn, errorTopicArn: created.errorTopicArn, stateMachineArn },
        ),
        ...options.environment,
      };
      restoreEnvironment = applyEnvironment(environment);
      // The functions' process-wide SDK clients read endpoints when built: rebuild them for these ports.
      resetAwsClients();
      return new LocalSystem(
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
      );
    } catch (error) {
      restoreEnvironment();
      await server?.close().catch(() => {});
      await emulators.stop().catch(() => {});
      if (error instanceof LocalSystemError) throw error;
      throw new LocalSystemError(`Could not set up the local resources: ${(error as Error).message}`);
    }
  }

  /** Replaces the faults injected into executions started from now on. */
  setFaults(faults: readonly FaultSpec[]): void {
    this.machine.faults = faults;
  }

  /**
   * Uploads to the raw bucket as a client would, streaming from disk so memory stays bounded
   * whatever the input size: one PutObject up to {@link UPLOAD_PART_BYTES}, a multipart upload
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
    const handler = await loadHandler('start-workflow');
    const event = objectCreatedEvent(objects.map((object) => ({ eventTime, ...object })));
    return invokeLambda(this.resources.functions['start-workflow'], handler, event);
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

  /**
   * Every notification published so far, read from the queue subscribed to both topics.
   * Messages are deleted as they are read and kept here, so repeated calls see them all.
   */
  async notifications(): Promise<readonly ReceivedNotification[]> {
    for (let emptyReceives = 0; emptyReceives < 3; ) {
      const { Messages = [] } = await this.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.notificationQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
      );
      if (Messages.length === 0) {
        const { Attributes = {} } = await this.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: this.notificationQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        if (Number(Attributes.ApproximateNumberOfMessages ?? 0) === 0) break;
        emptyReceives += 1;
        continue;
      }
      emptyReceives = 0;
      for (const message of Messages) this.received.push(this.parseNotification(message.Body ?? ''));
      await this.clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.notificationQueueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    return [...this.received];
  }

  private parseNotification(body: string): ReceivedNotification {
    let envelope: { TopicArn?: string; Message?: string } = {};
    try {
      envelope = JSON.parse(body) as typeof envelope;
    } catch {
      // Not an SNS envelope; kept as it is so the cross-check can name it.
    }
    let message: unknown = envelope.Message ?? body;
    try {
      message = JSON.parse(String(envelope.Message));
    } catch {
      // A plain-text message.
    }
    const topicArn = envelope.TopicArn ?? '';
    const topic = topicArn === this.topicArns.success ? 'success' : topicArn === this.topicArns.error ? 'error' : 'other';
    const jobId = findJobId(message);
    return { topic, topicArn, message, ...(jobId ? { jobId } : {}) };
  }

  /**
   * Processes `files` end to end and writes the outputs and `report.json` into `outDir`.
   * Resolves with the report even when some inputs hit a system failure (listed in `problems`);
   * rejects only when the run as a whole cannot proceed.
   */
  async process(files: readonly InputFile[], options: ProcessOptions): Promise<LocalRunResult> {
    if (this.stopped) throw new LocalSystemError('This local system has been stopped.');
    const started = performance.now();
    this.runs += 1;
    const run = `run-${this.runs}`;
    const outDir = options.outDir;
    const taken = await prepareOutDir(outDir);
    const folders = assignFolders(
      files.map((file) => file.input),
      taken,
    );
    const limit = createLimiter(this.concurrency);

    // Per input: upload and deliver the event (at most `concurrency` at a time), then wait for the
    // execution (which runs, or queues, in the Step Functions endpoint) and report progress from
    // the job record as soon as it ends.
    const settled = await Promise.all(
      files.map(async (file, index) => {
        const folder = folders[index]!;
        const key = `${this.resources.uploadsPrefix}${run}/${folder}/${basename(file.absolute)}`;
        const source = { bucket: this.resources.rawBucket, key };
        const problems: string[] = [];
        let execution = await limit(async () => {
          try {
            const created = await this.upload(key, createReadStream(file.absolute), file.bytes);
            const result = await this.deliver([created]);
            const started = this.executionFor(source);
            if (!started) problems.push(`start-workflow returned ${JSON.stringify(result)} but started no execution for s3://${source.bucket}/${key}.`);
            return started;
          } catch (error) {
            problems.push(`Could not start the workflow for s3://${source.bucket}/${key}: ${describeError(error)}`);
            return undefined;
          }
        });
        execution = execution ? await execution.settled : undefined;
        const jobId = execution ? (JSON.parse(execution.input) as { jobId?: string }).jobId : undefined;
        const record = jobId ? await this.readJob(jobId).catch(() => undefined) : undefined;
        const status = record?.status === 'SUCCEEDED' || record?.status === 'FAILED' ? record.status : 'ERROR';
        options.onJobDone?.({ input: file.input, status, ...(record?.error?.code ? { code: String(record.error.code) } : {}) });
        return { file, folder, source, execution, jobId, record, problems };
      }),
    );

    // Then read every outcome back from the emulated services and cross-check it.
    const notifications = await this.notifications();
    const copy = createLimiter(Math.max(4, this.concurrency));
    const reading = createLimiter(Math.max(4, this.concurrency));
    const collected = await Promise.all(
      settled.map((trace) =>
        reading(async (): Promise<{ job: JobTrace; reportJob: ReportJob }> => {
          try {
            return await this.collect(trace, notifications, outDir, copy);
          } catch (error) {
            const problem = `Could not read the outcome back from the emulated services: ${describeError(error)}`;
            return {
              job: { input: trace.file.input, folder: trace.folder, source: trace.source, notifications: [], timings: [], processedKeys: [], problems: [...trace.problems, problem] },
              reportJob: { input: trace.file.input, status: 'FAILED', error: { code: 'INTERNAL', message: `The local system failed: ${problem}` }, outputs: [], states: [] },
            };
          }
        }),
      ),
    );
    const jobs = collected.map((entry) => entry.job);
    const reportJobs = collected.map((entry) => entry.reportJob);
    const report = buildReport(reportJobs, performance.now() - started);
    const reportPath = await writeReport(outDir, report);
    return { report, reportPath, outDir, jobs, problems: jobs.flatMap((job) => job.problems.map((problem) => `${job.input}: ${problem}`)) };
  }

  private async collect(
    trace: {
      file: InputFile;
      folder: string;
      source: { bucket: string; key: string };
      execution: ExecutionRecord | undefined;
      jobId: string | undefined;
      record: JobRecord | undefined;
      problems: string[];
    },
    notifications: readonly ReceivedNotification[],
    outDir: string,
    copy: ReturnType<typeof createLimiter>,
  ): Promise<{ job: JobTrace; reportJob: ReportJob }> {
    const { file, folder, source, execution, jobId, record } = trace;
    const problems = [...trace.problems];
    const timings = execution ? stateTimings(execution.events) : [];
    if (execution && execution.status !== 'SUCCEEDED') {
      problems.push(`Execution ${execution.name} ended ${execution.status}${execution.error ? ` with ${execution.error}` : ''}: ${causeMessage(execution.cause) ?? 'no cause given'}`);
    }
    if (execution && !jobId) problems.push(`Execution ${execution.name} has no jobId in its input.`);
    if (jobId && !record) problems.push(`Job ${jobId} has no record in the ${this.resources.jobsTable.name} table.`);
    const status = record?.status;
    if (record && status !== 'SUCCEEDED' && status !== 'FAILED') {
      problems.push(`Job ${jobId} is still ${status} after its execution ended.`);
    }
    const finalState = timings.at(-1)?.name;
    if (status === 'SUCCEEDED' && finalState !== 'NotifySuccess') problems.push(`Job ${jobId} SUCCEEDED but its execution ended in ${finalState ?? 'no state'}.`);
    if (status === 'FAILED' && finalState !== 'NotifyError') problems.push(`Job ${jobId} FAILED but its execution ended in ${finalState ?? 'no state'}.`);
    if (status === 'FAILED' && !record?.error?.code) problems.push(`Job ${jobId} FAILED without an error code.`);

    // Notifications: exactly one per job, on the topic matching its outcome. Publishing is
    // at-least-once, so a Notify state that was retried after publishing may add one per retry.
    const mine = jobId ? notifications.filter((notification) => notification.jobId === jobId) : [];
    if (status === 'SUCCEEDED' || status === 'FAILED') {
      const expected = status === 'SUCCEEDED' ? 'success' : 'error';
      const notifyAttempts = timings.find((timing) => timing.name === (status === 'SUCCEEDED' ? 'NotifySuccess' : 'NotifyError'))?.attempts ?? 1;
      const wrong = mine.filter((notification) => notification.topic !== expected);
      if (mine.length === 0 || mine.length > notifyAttempts) {
        problems.push(
          `Job ${jobId} ${status} and expected exactly one notification${notifyAttempts > 1 ? ` (at most ${notifyAttempts}, one per attempt of its Notify state)` : ''}, but ${mine.length} were published (${mine.map((n) => n.topic).join(', ') || 'none'}).`,
        );
      }
      if (wrong.length > 0) problems.push(`Job ${jobId} ${status} but ${wrong.length} of its notifications went to the ${wrong[0]!.topic} topic.`);
    }

    // The original stays; a failed job leaves no outputs; a successful one exactly its recorded outputs.
    const processedKeys = jobId ? await this.processedKeys(`${jobId}/`) : [];
    if (jobId && !(await this.rawObjectExists(source.key))) problems.push(`The original s3://${source.bucket}/${source.key} is gone.`);
    const outputs: ReportOutput[] = [];
    if (status === 'FAILED' && processedKeys.length > 0) {
      problems.push(`Job ${jobId} FAILED but left ${processedKeys.length} object(s) in the processed bucket: ${processedKeys.join(', ')}.`);
    }
    if (status === 'SUCCEEDED') {
      const recorded = record?.outputs ?? [];
      const recordedKeys = recorded.map((output) => output.key).sort();
      if (recorded.length === 0) problems.push(`Job ${jobId} SUCCEEDED with no outputs recorded.`);
      if (JSON.stringify(recordedKeys) !== JSON.stringify(processedKeys)) {
        problems.push(`Job ${jobId} records outputs ${recordedKeys.join(', ')} but the processed bucket holds ${processedKeys.join(', ') || 'nothing'}.`);
      }
      await mkdir(join(outDir, folder), { recursive: true });
      const objects = new S3ObjectStore(this.clients.s3);
      outputs.push(
        ...(await Promise.all(
          recorded.map((output) =>
            copy(async (): Promise<ReportOutput> => {
              const path = `${folder}/${basename(output.key)}`;
              const bytes = await objects.getBytes({ bucket: output.bucket, key: output.key }, { maxBytes: Number.MAX_SAFE_INTEGER });
              if (bytes.length !== output.bytes) {
                problems.push(`Output ${output.key} has ${bytes.length} bytes but its record says ${output.bytes}.`);
              }
              await writeFile(join(outDir, path), bytes);
              const { name, filter, format, width, height } = output;
              return { name, filter, format, width, height, bytes: bytes.length, path };
            }),
          ),
        )),
      );
    }

    const terminal = status === 'SUCCEEDED' || status === 'FAILED';
    const reportJob: ReportJob = {
      input: file.input,
      status: terminal ? status : 'FAILED',
      ...(status === 'FAILED' && record?.error ? { error: record.error } : {}),
      ...(!terminal ? { error: { code: 'INTERNAL', message: `The local system failed: ${problems.join(' ')}` } } : {}),
      outputs,
      states: timings.map(({ name, ms }) => ({ name, ms })),
    };
    return {
      job: {
        input: file.input,
        folder,
        source,
        notifications: mine,
        timings,
        processedKeys,
        problems,
        ...(jobId ? { jobId } : {}),
        ...(execution ? { execution } : {}),
        ...(record ? { record } : {}),
      },
      reportJob,
    };
  }

  /** Waits for running executions, then stops the endpoint and the emulators and restores the environment. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.stepFunctions.close();
    } finally {
      for (const client of Object.values(this.clients)) client.destroy();
      resetAwsClients();
      try {
        await this.emulators.stop();
      } finally {
        this.restoreEnvironment();
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

function findJobId(message: unknown): string | undefined {
  if (message && typeof message === 'object') {
    const record = message as Record<string, unknown>;
    if (typeof record.jobId === 'string') return record.jobId;
    for (const nested of ['job', 'detail']) {
      const inner = record[nested];
      if (inner && typeof inner === 'object' && typeof (inner as Record<string, unknown>).jobId === 'string') return (inner as Record<string, string>).jobId;
    }
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (error instanceof TaskFailure) return `${error.name}: ${causeMessage(error.message) ?? 'no cause given'}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
