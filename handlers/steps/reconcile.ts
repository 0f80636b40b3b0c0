/**
 * The reconciler: nothing is left stuck. When a workflow execution ends FAILED, TIMED_OUT or
 * ABORTED — so NotifyError did not finish, or never ran — the job is ended as the terminal steps
 * would have ended it (finish-job.ts): recorded FAILED with a code and a sentence, its outputs and
 * scratch removed, the error published once. A job that had already SUCCEEDED keeps its outputs,
 * and its success is published if that had not happened. The sweep does the same for jobs open
 * longer than an execution may run, in case the execution's event was lost (or it never started).
 * Running either twice changes nothing the first run did not.
 */
import { isTerminal } from '../core/job-status';
import { causeMessage, stableCodeOr } from '../workflow/failure';
import type { JobError } from '../workflow/events';
import type { ExecutionState } from '../workflow/job-record';
import { failJob, publishOnce, type FinishDeps } from './finish-job';
import type { JobStore, Notifier, WorkflowExecutions } from './ports';
import { workPrefixFor } from './working-images';

/** How much longer than an execution may run a job must stay open to be stuck: covers the start lease and the sweep's own delay. */
const STALE_JOB_MARGIN_SECONDS = 300;

/** When an open job counts as stuck, given the longest an execution may run. */
export function staleJobSeconds(executionTimeoutSeconds: number): number {
  return executionTimeoutSeconds + STALE_JOB_MARGIN_SECONDS;
}

/** An execution that ended without ending its job. */
export interface ClosedExecution {
  readonly jobId: string;
  readonly status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly error?: string;
  readonly cause?: string;
}

export interface ReconcileDeps extends Omit<FinishDeps, 'jobs' | 'notifier'> {
  readonly jobs: Pick<JobStore, 'advance' | 'markNotified' | 'get'>;
  readonly notifier: Pick<Notifier, 'jobFailed' | 'jobSucceeded'>;
}

export interface Reconciled {
  readonly jobId: string;
  /** `failed`: the job is FAILED; `succeeded`: it had succeeded and stays so; `unknown`: no such job. */
  readonly outcome: 'failed' | 'succeeded' | 'unknown';
  /** Whether this run published the job's outcome (false when it already had been). */
  readonly published: boolean;
  readonly code?: string;
  /** With `failed`: the sentence the job was failed with. */
  readonly reason?: string;
  /** With `succeeded`: how many outputs the job has. */
  readonly outputs?: number;
}

export async function reconcileExecution(execution: ClosedExecution, deps: ReconcileDeps): Promise<Reconciled> {
  const { jobId } = execution;
  return reconcileJob(jobId, deps, () => {
    const reason = causeMessage(execution.cause)?.replace(/\.$/, '') ?? 'it gave no reason';
    return {
      code: stableCodeOr(execution.error, 'INTERNAL'),
      message: `The workflow stopped before it finished the job: its execution ended ${execution.status}${execution.error ? ` with ${execution.error}` : ''} (${reason}).`,
    };
  });
}

export interface SweepDeps extends ReconcileDeps {
  readonly jobs: ReconcileDeps['jobs'] & Pick<JobStore, 'listOpenBefore'>;
  readonly executions: WorkflowExecutions;
  readonly now: Date;
  /** A job open longer than this is stuck: the longest an execution may run, and a margin. */
  readonly staleAfterSeconds: number;
  /** Most jobs one sweep looks at; the next sweep takes the rest. */
  readonly limit: number;
}

/** Ends every job open longer than `staleAfterSeconds` whose execution is not running. */
export async function sweepStaleJobs(deps: SweepDeps): Promise<Reconciled[]> {
  const before = new Date(deps.now.getTime() - deps.staleAfterSeconds * 1000);
  const reconciled: Reconciled[] = [];
  for (const jobId of await deps.jobs.listOpenBefore(before, deps.limit)) {
    const record = await deps.jobs.get(jobId);
    if (!record || isTerminal(record.status)) continue;
    const state = record.executionArn ? await deps.executions.describe(record.executionArn) : undefined;
    if (state?.status === 'RUNNING') continue;
    reconciled.push(await reconcileJob(jobId, deps, () => staleJobError(record.status, record.openSince ?? record.receivedAt, deps.now, state, record.executionArn)));
  }
  return reconciled;
}

async function reconcileJob(jobId: string, deps: ReconcileDeps, failure: () => JobError): Promise<Reconciled> {
  const record = await deps.jobs.get(jobId);
  if (!record) return { jobId, outcome: 'unknown', published: false };
  if (record.status === 'SUCCEEDED') {
    await deps.objects.deletePrefix(deps.work.bucket, workPrefixFor(deps.work, jobId));
    const { published } = await publishOnce(deps.jobs, jobId, 'success', record.notified, () =>
      deps.notifier.jobSucceeded({ jobId, source: record.source, outputs: record.outputs ?? [] }),
    );
    return { jobId, outcome: 'succeeded', published, outputs: record.outputs?.length ?? 0 };
  }
  // A job NotifyError already recorded keeps its own verdict; only the rest of the ending is done.
  const error = record.status === 'FAILED' && record.error ? record.error : failure();
  const { published } = await failJob({ jobId, source: record.source }, error, deps);
  return { jobId, outcome: 'failed', published, code: String(error.code), reason: error.message };
}

function staleJobError(status: string, since: string, now: Date, state: ExecutionState | undefined, executionArn: string | undefined): JobError {
  const minutes = Math.round((now.getTime() - Date.parse(since)) / 60_000);
  const execution = !executionArn
    ? 'no workflow execution was ever started for it'
    : state
      ? `its execution ended ${state.status}${state.error ? ` with ${state.error}` : ''}${state.cause ? ` (${causeMessage(state.cause)?.replace(/\.$/, '')})` : ''}`
      : 'its execution is no longer running';
  return {
    code: stableCodeOr(state?.error, 'INTERNAL'),
    message: `The job was still ${status} ${minutes} minutes after it was received, and ${execution}; the reconciler's sweep ended it.`,
  };
}
