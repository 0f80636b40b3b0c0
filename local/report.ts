/**
 * report.json, written by the local commands (`npm start`, `npm run process`), in the schema
 * of ARCHITECTURE.md. `path` is relative to the output folder; `filter` is null when none.
 */
import type { JobError, OutputRecord } from '../handlers/workflow/events';
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
}

/** The report of a run; with `unfinished`, of a run that was interrupted before those inputs got a verdict. */
export function buildReport(jobs: readonly ReportJob[], ms: number, unfinished?: readonly string[], states?: Readonly<Record<string, StateSummary>>): Report {
  const succeeded = jobs.filter((job) => job.status === 'SUCCEEDED').length;
  return {
    jobs,
    summary: { succeeded, failed: jobs.length - succeeded, ms: Math.round(ms), ...(states === undefined ? {} : { states }) },
    ...(unfinished === undefined ? {} : { interrupted: true, unfinished }),
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
    ...(report.interrupted ? [`Interrupted: ${report.unfinished?.length ?? 0} input(s) got no verdict; the report lists them under "unfinished".`] : []),
    `Outputs: ${printable(outDir)}`,
    `Report:  ${printable(reportPath)}`,
  ];
  return lines.join('\n');
}
