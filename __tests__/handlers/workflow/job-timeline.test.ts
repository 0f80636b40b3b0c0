/** The durations of the one line logged per finished job, read off its history. */
import { jobTimeline } from '../../../handlers/workflow/job-timeline';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, seconds)).toISOString();

describe('jobTimeline', () => {
  it('gives each status the time until the next began, and the total from the upload to the outcome', () => {
    const history = [
      { status: 'RECEIVED', at: at(1) },
      { status: 'VALIDATING', at: at(3) },
      { status: 'PROCESSING', at: at(7) },
      { status: 'OPTIMIZING', at: at(12) },
      { status: 'SUCCEEDED', at: at(20) },
    ] as const;
    const timeline = jobTimeline(at(0), history);
    expect(timeline).toEqual({ totalMs: 20_000, phasesMs: { RECEIVED: 3000, VALIDATING: 4000, PROCESSING: 5000, OPTIMIZING: 8000 } });
    // Every millisecond from the upload to the outcome is in exactly one phase.
    expect(Object.values(timeline.phasesMs).reduce((sum, ms) => sum + ms, 0)).toBe(timeline.totalMs);
  });

  it('counts a retried status from its first entry, and a job that skipped a status without it', () => {
    const history = [
      { status: 'RECEIVED', at: at(0) },
      { status: 'VALIDATING', at: at(1) },
      { status: 'VALIDATING', at: at(4) },
      { status: 'FAILED', at: at(6) },
    ] as const;
    expect(jobTimeline(at(0), history)).toEqual({ totalMs: 6000, phasesMs: { RECEIVED: 1000, VALIDATING: 5000 } });
  });

  it('has nothing to say of a job with no history', () => {
    expect(jobTimeline(at(0), [])).toEqual({ totalMs: 0, phasesMs: {} });
  });
});
