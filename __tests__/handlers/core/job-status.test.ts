import {
  JOB_STATUSES,
  canTransition,
  isJobStatus,
  isTerminal,
  statusRank,
  statusesAllowedBefore,
  type JobStatus,
} from '../../../handlers/core/job-status';

describe('job status', () => {
  it('lists the statuses in pipeline order, with both terminal statuses at the top rank', () => {
    expect(JOB_STATUSES).toEqual(['RECEIVED', 'VALIDATING', 'PROCESSING', 'OPTIMIZING', 'SUCCEEDED', 'FAILED']);
    expect(JOB_STATUSES.map(statusRank)).toEqual([0, 1, 2, 3, 4, 4]);
    expect(JOB_STATUSES.filter(isTerminal)).toEqual(['SUCCEEDED', 'FAILED']);
  });

  it('recognises status strings', () => {
    expect(isJobStatus('PROCESSING')).toBe(true);
    expect(isJobStatus('processing')).toBe(false);
    expect(isJobStatus('toString')).toBe(false);
    expect(isJobStatus(undefined)).toBe(false);
  });

  it.each<[JobStatus, JobStatus]>([
    ['RECEIVED', 'VALIDATING'],
    ['VALIDATING', 'PROCESSING'],
    ['PROCESSING', 'OPTIMIZING'],
    ['OPTIMIZING', 'SUCCEEDED'],
    ['RECEIVED', 'SUCCEEDED'],
    ['VALIDATING', 'FAILED'],
    ['OPTIMIZING', 'FAILED'],
    ['PROCESSING', 'PROCESSING'],
    ['SUCCEEDED', 'SUCCEEDED'],
    ['FAILED', 'FAILED'],
  ])('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each<[JobStatus, JobStatus]>([
    ['VALIDATING', 'RECEIVED'],
    ['OPTIMIZING', 'PROCESSING'],
    ['SUCCEEDED', 'FAILED'],
    ['FAILED', 'SUCCEEDED'],
    ['SUCCEEDED', 'OPTIMIZING'],
    ['FAILED', 'RECEIVED'],
  ])('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('never lets a transition lower the rank', () => {
    for (const from of JOB_STATUSES) {
      for (const to of JOB_STATUSES) {
        if (canTransition(from, to)) expect(statusRank(to)).toBeGreaterThanOrEqual(statusRank(from));
      }
    }
  });

  it('derives the statuses a write may start from (the job store condition)', () => {
    expect(statusesAllowedBefore('RECEIVED')).toEqual(['RECEIVED']);
    expect(statusesAllowedBefore('PROCESSING')).toEqual(['RECEIVED', 'VALIDATING', 'PROCESSING']);
    expect(statusesAllowedBefore('SUCCEEDED')).toEqual(['RECEIVED', 'VALIDATING', 'PROCESSING', 'OPTIMIZING', 'SUCCEEDED']);
    expect(statusesAllowedBefore('FAILED')).toEqual(['RECEIVED', 'VALIDATING', 'PROCESSING', 'OPTIMIZING', 'FAILED']);
  });
});
