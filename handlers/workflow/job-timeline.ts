/**
 * How long a job spent where, read off its record's history: the figures of the one line logged
 * per finished job, which the saved "slowest jobs" query sorts by.
 */
import type { JobStatus } from '../core/job-status';
import type { JobHistoryEntry } from './job-record';

export interface JobTimeline {
  /** From the upload's receipt (the S3 event's time) to the last status recorded. */
  readonly totalMs: number;
  /**
   * Milliseconds in each status the job went through, until the next one began: RECEIVED is the
   * wait for the workflow, VALIDATING to OPTIMIZING its steps. A status met again (a retried
   * step records it twice) counts from its first entry.
   */
  readonly phasesMs: Readonly<Partial<Record<JobStatus, number>>>;
}

export function jobTimeline(receivedAt: string, history: readonly JobHistoryEntry[]): JobTimeline {
  const firstEntries: { status: JobStatus; at: number }[] = [];
  for (const entry of history) {
    if (!firstEntries.some((seen) => seen.status === entry.status)) firstEntries.push({ status: entry.status, at: Date.parse(entry.at) });
  }
  const start = Date.parse(receivedAt);
  const last = firstEntries.at(-1);
  if (!last || Number.isNaN(start)) return { totalMs: 0, phasesMs: {} };
  const phasesMs: Partial<Record<JobStatus, number>> = {};
  firstEntries.slice(0, -1).forEach(({ status, at }, index) => {
    const from = status === 'RECEIVED' ? Math.min(start, at) : at;
    phasesMs[status] = Math.max(0, firstEntries[index + 1]!.at - from);
  });
  return { totalMs: Math.max(0, last.at - start), phasesMs };
}
