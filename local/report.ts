/**
 * report.json, written by the local commands (`npm start`, `npm run process`), in the schema
 * of ARCHITECTURE.md. `path` is relative to the output folder; `filter` is null when none.
 */
import type { JobError, OutputRecord } from '../handlers/workflow/events';
import type { DeniedCall } from './iam/enforcement';
import { printable } from './printable';
import { formatStateSummary, type StateSummary } from './state-metrics';

/** An output as the job record holds it, located in the output folder instead of the bucket. */
export interface ReportOutput extends Omit<OutputRecord, 'bucket' | 'key'> {
  /** Relative to the output folder. */
  readonly path: string;
}

export interface ReportState {
  readonly name: string;
  readonly ms: number;
  /** Attempts made: 1 + retries. */
  readonly attempts: number;
  /** The error the state failed with (what its Catch matched), when it failed. */
  readonly error?: string;
}

export interface ReportJob {
  /** The input path as the user gave it (or as found under a folder they gave). */
  readonly input: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: JobError;
  readonly outputs: readonly ReportOutput[];
  readonly states: readonly ReportState[];
}

export interface Report {
  readonly jobs: readonly ReportJob[];
  readonly summary: {
    readonly succeeded: number;
    readonly failed: number;
    readonly ms: number;
    /** Per Task state, from the StateDuration metrics the functions wrote (npm start only: npm run process runs no functions). */
    readonly states?: Readonly<Record<string, StateSummary>>;
  };
  /** Present (true) when the run was interrupted (Ctrl-C): `jobs` holds only the inputs that got a verdict. */
  readonly interrupted?: true;
  /** With `interrupted`: the inputs that got no verdict. */
  readonly unfinished?: readonly string[];
  /** `npm start`: every call IAM denied a function (function, action, resource, how many calls); empty when none was. */
  readonly denied?: readonly DeniedCall[];
}

/** The report of a run; with `unfinished`, of a run that was interrupted before those inputs got a verdict. */
export interface RunFindings {
  /** Per Task state, from the functions' StateDuration metrics (npm start). */
  readonly states?: Readonly<Record<string, StateSummary>>;
  /** Every call IAM denied a function (npm start). */
  readonly denied?: readonly DeniedCall[];
}

export function buildReport(jobs: readonly ReportJob[], ms: number, unfinished?: readonly string[], { states, denied }: RunFindings = {}): Report {
  const succeeded = jobs.filter((job) => job.status === 'SUCCEEDED').length;
  return {
    jobs,
    summary: { succeeded, failed: jobs.length - succeeded, ms: Math.round(ms), ...(states === undefined ? {} : { states }) },
    ...(unfinished === undefined ? {} : { interrupted: true, unfinished }),
    ...(denied === undefined ? {} : { denied }),
  };
}

/** The closing lines a person reads: counts, time, where things are, and each failure's reason. */
export function formatSummary(report: Report, outDir: string, reportPath: string): string {
  const { succeeded, failed, ms } = report.summary;
  const lines = [
    `${report.jobs.length} image(s): ${succeeded} succeeded, ${failed} failed in ${(ms / 1000).toFixed(1)} s.`,
    ...report.jobs
      .filter((job) => job.status === 'FAILED')
      .map((job) => `  FAILED ${printable(job.input)}: ${job.error?.code ?? 'UNKNOWN'} — ${printable(job.error?.message ?? 'no reason recorded')}`),
    ...formatStateSummary(report.summary.states ?? {}),
    ...(report.denied && report.denied.length > 0
      ? [
          `Denied by IAM: ${report.denied.reduce((calls, entry) => calls + entry.calls, 0)} call(s):`,
          ...report.denied.map((entry) => `  ${entry.function}: ${entry.action} on ${printable(entry.resource)} (${entry.calls} call(s))`),
        ]
      : []),
    ...(report.interrupted ? [`Interrupted: ${report.unfinished?.length ?? 0} input(s) got no verdict; the report lists them under "unfinished".`] : []),
    `Outputs: ${printable(outDir)}`,
    `Report:  ${printable(reportPath)}`,
  ];
  return lines.join('\n');
}
