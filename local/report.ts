/**
 * report.json, written by the local commands (`npm start`, `npm run process`), in the schema
 * of ARCHITECTURE.md. `path` is relative to the output folder; `filter` is null when none.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobError, OutputRecord } from '../handlers/workflow/events';

/** An output as the job record holds it, located in the output folder instead of the bucket. */
export interface ReportOutput extends Omit<OutputRecord, 'bucket' | 'key'> {
  /** Relative to the output folder. */
  readonly path: string;
}

export interface ReportJob {
  /** The input path as the user gave it (or as found under a folder they gave). */
  readonly input: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: JobError;
  readonly outputs: readonly ReportOutput[];
  readonly states: readonly { readonly name: string; readonly ms: number }[];
}

export interface Report {
  readonly jobs: readonly ReportJob[];
  readonly summary: { readonly succeeded: number; readonly failed: number; readonly ms: number };
}

export function buildReport(jobs: readonly ReportJob[], ms: number): Report {
  const succeeded = jobs.filter((job) => job.status === 'SUCCEEDED').length;
  return { jobs, summary: { succeeded, failed: jobs.length - succeeded, ms: Math.round(ms) } };
}

/** Writes `<outDir>/report.json` and returns its path. */
export async function writeReport(outDir: string, report: Report): Promise<string> {
  const path = join(outDir, 'report.json');
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/** The closing lines a person reads: counts, time, where things are, and each failure's reason. */
export function formatSummary(report: Report, outDir: string, reportPath: string): string {
  const { succeeded, failed, ms } = report.summary;
  const lines = [
    `${report.jobs.length} image(s): ${succeeded} succeeded, ${failed} failed in ${(ms / 1000).toFixed(1)} s.`,
    ...report.jobs
      .filter((job) => job.status === 'FAILED')
      .map((job) => `  FAILED ${job.input}: ${job.error?.code ?? 'UNKNOWN'} — ${job.error?.message ?? 'no reason recorded'}`),
    `Outputs: ${outDir}`,
    `Report:  ${reportPath}`,
  ];
  return lines.join('\n');
}
