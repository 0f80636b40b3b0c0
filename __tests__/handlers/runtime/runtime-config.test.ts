import { jobTtlDays, requireEnv, uploadsPrefix, workArea } from '../../../handlers/runtime/runtime-config';

describe('runtime settings', () => {
  it('says which variable is missing or empty', () => {
    expect(() => requireEnv('JOBS_TABLE', {})).toThrow('Expected the environment variable JOBS_TABLE to be set, but it is missing.');
    expect(() => requireEnv('JOBS_TABLE', { JOBS_TABLE: '' })).toThrow('but it is empty.');
  });

  it('defaults the scratch and uploads prefixes', () => {
    expect(workArea({ PROCESSED_BUCKET: 'out' })).toEqual({ bucket: 'out', prefix: '_work/' });
    expect(workArea({ PROCESSED_BUCKET: 'out', WORK_PREFIX: 'tmp/' }).prefix).toBe('tmp/');
    expect(uploadsPrefix({})).toBe('uploads/');
    expect(uploadsPrefix({ UPLOADS_PREFIX: '' })).toBe('');
  });

  it('reads JOB_TTL_DAYS as a whole number of days', () => {
    expect(jobTtlDays({})).toBeUndefined();
    expect(jobTtlDays({ JOB_TTL_DAYS: '7' })).toBe(7);
    expect(() => jobTtlDays({ JOB_TTL_DAYS: '0.5' })).toThrow('"0.5"');
  });
});
