/**
 * One input's outcome, read back from the emulated services after its execution ended and
 * cross-checked as AWS would let an operator check it: the job record, the execution's last
 * state, one notification on the matching topic, the original kept, and exactly the recorded
 * outputs in the processed bucket (copied into the run's staging folder). Anything amiss is a problem
 * of the system, never a verdict on the image.
 */
import { basename } from 'node:path';
import type { JobRecord } from '../handlers/workflow/job-record';
import type { ObjectStore } from '../handlers/steps/ports';
import { causeMessage } from '../handlers/workflow/failure';
import type { InputFile } from './inputs';
import type { createLimiter } from './limit';
import type { ReceivedNotification } from './notifications';
import type { OutputStage } from './output/stage';
import type { ReportJob, ReportOutput } from './report';
import { stateTimings, type StateTiming } from './state-machine';
import type { ExecutionRecord } from './step-functions-server';

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

/** Where outcomes are read from. */
export interface OutcomeSources {
  readonly jobsTable: string;
  /** The processed bucket's scratch prefix: an ended job must leave nothing under it. */
  readonly workPrefix: string;
  readonly objects: Pick<ObjectStore, 'getBytes'>;
  processedKeys(prefix: string): Promise<string[]>;
  rawObjectExists(key: string): Promise<boolean>;
}

export async function collectOutcome(
  sources: OutcomeSources,
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
  stage: Pick<OutputStage, 'write'>,
  copy: ReturnType<typeof createLimiter>,
): Promise<{ job: JobTrace; reportJob: ReportJob }> {
  const { file, folder, source, execution, jobId, record } = trace;
  const problems = [...trace.problems];
  const timings = execution ? stateTimings(execution.events) : [];
  if (execution && execution.status !== 'SUCCEEDED') {
    problems.push(`Execution ${execution.name} ended ${execution.status}${execution.error ? ` with ${execution.error}` : ''}: ${causeMessage(execution.cause) ?? 'no cause given'}`);
  }
  if (execution?.afterStopError) problems.push(`The reconciler failed on execution ${execution.name}: ${execution.afterStopError}`);
  if (execution && !jobId) problems.push(`Execution ${execution.name} has no jobId in its input.`);
  if (jobId && !record) problems.push(`Job ${jobId} has no record in the ${sources.jobsTable} table.`);
  const status = record?.status;
  if (record && status !== 'SUCCEEDED' && status !== 'FAILED') {
    problems.push(`Job ${jobId} is still ${status} after its execution ended.`);
  }
  // An execution that failed was ended by the reconciler, whatever state it stopped in.
  const finalState = execution?.status === 'SUCCEEDED' ? timings.at(-1)?.name : undefined;
  if (execution?.status === 'SUCCEEDED') {
    if (status === 'SUCCEEDED' && finalState !== 'NotifySuccess') problems.push(`Job ${jobId} SUCCEEDED but its execution ended in ${finalState ?? 'no state'}.`);
    if (status === 'FAILED' && finalState !== 'NotifyError') problems.push(`Job ${jobId} FAILED but its execution ended in ${finalState ?? 'no state'}.`);
  }
  if (status === 'FAILED' && !record?.error?.code) problems.push(`Job ${jobId} FAILED without an error code.`);

  // Notifications: exactly one per job, on the topic matching its outcome (retried steps do not
  // publish again; only a crash between publishing and recording it could, and none happens here).
  const mine = jobId ? notifications.filter((notification) => notification.jobId === jobId) : [];
  if (status === 'SUCCEEDED' || status === 'FAILED') {
    const expected = status === 'SUCCEEDED' ? 'success' : 'error';
    const wrong = mine.filter((notification) => notification.topic !== expected);
    if (mine.length !== 1) {
      problems.push(`Job ${jobId} ${status} and expected exactly one notification, but ${mine.length} were published (${mine.map((n) => n.topic).join(', ') || 'none'}).`);
    }
    if (wrong.length > 0) problems.push(`Job ${jobId} ${status} but ${wrong.length} of its notifications went to the ${wrong[0]!.topic} topic.`);
  }

  // The original stays; a failed job leaves no outputs; a successful one exactly its recorded outputs.
  const processedKeys = jobId ? await sources.processedKeys(`${jobId}/`) : [];
  // Only a success is sure to leave no scratch: when a Parallel branch fails, the other branch's
  // function may still finish and write after NotifyError cleaned up (the lifecycle rule expires it).
  const scratch = jobId && status === 'SUCCEEDED' ? await sources.processedKeys(`${sources.workPrefix}${jobId}/`) : [];
  if (scratch.length > 0) problems.push(`Job ${jobId} ${status} but left ${scratch.length} scratch object(s): ${scratch.join(', ')}.`);
  if (jobId && !(await sources.rawObjectExists(source.key))) problems.push(`The original s3://${source.bucket}/${source.key} is gone.`);
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
    outputs.push(
      ...(await Promise.all(
        recorded.map((output) =>
          copy(async (): Promise<ReportOutput> => {
            const bytes = await sources.objects.getBytes({ bucket: output.bucket, key: output.key }, { maxBytes: Number.MAX_SAFE_INTEGER });
            if (bytes.length !== output.bytes) {
              problems.push(`Output ${output.key} has ${bytes.length} bytes but its record says ${output.bytes}.`);
            }
            const path = await stage.write(folder, basename(output.key), bytes);
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
    states: timings.map(({ name, ms, attempts, error }) => ({ name, ms, attempts, ...(error ? { error } : {}) })),
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
