import { readRuntimeEnv, readRuntimeSettings, runtimeVariables, writeRuntimeEnv, type ProcessingRuntimeInputs } from '../../../handlers/runtime/env';
import { FUNCTIONS, MANIFEST, WORKER_ENTRYPOINTS } from '../../../handlers/runtime/manifest';

const INPUTS: ProcessingRuntimeInputs = {
  serviceName: 'image-processor-test',
  processedBucket: 'processed',
  workPrefix: 'tmp/',
  uploadsPrefix: 'incoming/',
  jobsTable: 'jobs',
  jobTtlDays: 7,
  successTopicArn: 'arn:aws:sns:us-east-1:123456789012:success',
  errorTopicArn: 'arn:aws:sns:us-east-1:123456789012:error',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:pipeline',
  staleJobSeconds: 3900,
  imagePreset: '{"name":"x"}',
  maxInputBytes: 1000,
  maxInputPixels: 2000,
  maxInputFrames: 3,
  workerThresholdPixels: 4000,
  workerThresholdBytes: 5000,
  heavyQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/heavy.fifo',
  reprocessQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/reprocess.fifo',
  workerVisibilitySeconds: 60,
  workerHeartbeatSeconds: 900,
  workerMaxReceiveCount: 3,
  workerMemoryBudgetMb: 512,
};

describe('writeRuntimeEnv', () => {
  it('writes exactly the variables each entrypoint declares', () => {
    for (const name of [...FUNCTIONS, ...WORKER_ENTRYPOINTS]) {
      expect(Object.keys(writeRuntimeEnv(name, INPUTS)).sort()).toEqual(runtimeVariables(name).sort());
    }
    expect(writeRuntimeEnv('notify-success', INPUTS)).not.toHaveProperty('ERROR_TOPIC_ARN');
    expect(writeRuntimeEnv('notify-error', INPUTS)).not.toHaveProperty('SUCCESS_TOPIC_ARN');
  });

  it('leaves unset settings out', () => {
    const written = writeRuntimeEnv('validate', { ...INPUTS, imagePreset: undefined, maxInputBytes: undefined });
    expect(written).not.toHaveProperty('IMAGE_PRESET');
    expect(written).not.toHaveProperty('MAX_INPUT_BYTES');
    expect(written.MAX_INPUT_PIXELS).toBe('2000');
  });

  it('round-trips through readRuntimeEnv for every entrypoint', () => {
    for (const name of FUNCTIONS) {
      const read = readRuntimeEnv(name, writeRuntimeEnv(name, INPUTS));
      const expected = Object.fromEntries(MANIFEST[name].environment.map((setting) => [setting, INPUTS[setting]]));
      expect(read).toEqual(expected);
    }
  });
});

/** Every entrypoint needs it (Powertools reads it); these cases are about the others. */
const SERVICE = { POWERTOOLS_SERVICE_NAME: INPUTS.serviceName };

describe('readRuntimeEnv', () => {
  it('says which variable is missing or empty', () => {
    expect(() => readRuntimeEnv('notify-error', { ...SERVICE, PROCESSED_BUCKET: 'out', JOBS_TABLE: 'jobs' })).toThrow(
      'Expected the environment variable ERROR_TOPIC_ARN to be set, but it is missing.',
    );
    expect(() => readRuntimeEnv('resize', { ...SERVICE, PROCESSED_BUCKET: 'out', JOBS_TABLE: '' })).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('JOBS_TABLE to be set, but it is empty.') }),
    );
  });

  it('defaults the scratch prefix (also when empty: that would be the whole bucket) and the uploads prefix (empty means every key)', () => {
    const step = { ...SERVICE, PROCESSED_BUCKET: 'out', JOBS_TABLE: 'jobs' };
    expect(readRuntimeEnv('resize', step).workPrefix).toBe('_work/');
    expect(readRuntimeEnv('resize', { ...step, WORK_PREFIX: '' }).workPrefix).toBe('_work/');
    expect(readRuntimeEnv('resize', { ...step, WORK_PREFIX: 'tmp/' }).workPrefix).toBe('tmp/');
    const starter = { ...SERVICE, JOBS_TABLE: 'jobs', STATE_MACHINE_ARN: INPUTS.stateMachineArn };
    expect(readRuntimeEnv('start-workflow', starter).uploadsPrefix).toBe('uploads/');
    expect(readRuntimeEnv('start-workflow', { ...starter, UPLOADS_PREFIX: '' }).uploadsPrefix).toBe('');
  });

  it('reads whole numbers and names a bad value', () => {
    const starter = { ...SERVICE, JOBS_TABLE: 'jobs', STATE_MACHINE_ARN: INPUTS.stateMachineArn };
    expect(readRuntimeEnv('start-workflow', starter).jobTtlDays).toBeUndefined();
    expect(readRuntimeEnv('start-workflow', { ...starter, JOB_TTL_DAYS: '7' }).jobTtlDays).toBe(7);
    expect(() => readRuntimeEnv('start-workflow', { ...starter, JOB_TTL_DAYS: '0.5' })).toThrow(
      'Expected JOB_TTL_DAYS to be a whole number of days of at least 1, but it is "0.5".',
    );
    expect(() => readRuntimeSettings(['maxInputBytes'], { MAX_INPUT_BYTES: 'lots' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('"lots"') }),
    );
    expect(() => readRuntimeSettings(['maxInputFrames'], { MAX_INPUT_FRAMES: '0' })).toThrow('MAX_INPUT_FRAMES');
  });

  it('returns only the settings the entrypoint declares', () => {
    const everything = Object.fromEntries(FUNCTIONS.flatMap((name) => Object.entries(writeRuntimeEnv(name, INPUTS))));
    expect(Object.keys(readRuntimeEnv('resize', everything)).sort()).toEqual([...MANIFEST.resize.environment].sort());
  });
});
