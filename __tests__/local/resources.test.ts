/** The local resources come from the stack config for the `local` stage: same names, same settings. */
import { MANIFEST } from '../../handlers/runtime/manifest';
import { resourceNames } from '../../stacks/config/names';
import { functionEnvironment, localResources } from '../../local/resources';

describe('localResources', () => {
  it('names everything as the stack does for the local stage', () => {
    const resources = localResources('local', {});
    const names = resourceNames({ stackName: 'image-processor-local' });
    expect(resources).toMatchObject({
      stackName: 'image-processor-local',
      rawBucket: names.defaultBucketName('raw', '000000000000', 'us-east-1'),
      processedBucket: names.defaultBucketName('processed', '000000000000', 'us-east-1'),
      uploadsPrefix: 'uploads/',
      workPrefix: '_work/',
      jobsTable: { name: names.jobsTable, partitionKey: 'jobId', ttlAttribute: 'expiresAt' },
      successTopic: names.successTopic,
      errorTopic: names.errorTopic,
      stateMachineName: names.stateMachine,
    });
    expect(resources.functions.validate).toEqual({
      functionName: names.functionName('validate'),
      region: 'us-east-1',
      timeoutSeconds: MANIFEST.validate.timeoutSeconds,
      memoryMb: MANIFEST.validate.memoryMb,
    });
  });

  it('applies the settings variables for every stage and for this one, and ignores other stages', () => {
    const resources = localResources('local', {
      IMAGE_PROCESSOR_UPLOADS_PREFIX: 'incoming/',
      IMAGE_PROCESSOR_LOCAL_OPTIMIZE_TIMEOUT_SECONDS: '45',
      IMAGE_PROCESSOR_LOCAL_MAX_INPUT_BYTES: '1000',
      IMAGE_PROCESSOR_PROD_REGION: 'eu-west-1',
      IMAGE_PROCESSOR_STAGES: 'dev,prod',
    });
    expect(resources.uploadsPrefix).toBe('incoming/');
    expect(resources.functions.optimize.timeoutSeconds).toBe(45);
    expect(resources.runtimeInputs.maxInputBytes).toBe(1000);
  });

  it('gives the functions the variables the stack writes, one value per variable', () => {
    const resources = localResources('local', {});
    const arns = { successTopicArn: 'arn:success', errorTopicArn: 'arn:error', stateMachineArn: 'arn:machine', heavyQueueUrl: 'url:heavy', reprocessQueueUrl: 'url:reprocess' };
    expect(functionEnvironment(resources, arns)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'image-processor-local',
      PROCESSED_BUCKET: resources.processedBucket,
      WORK_PREFIX: '_work/',
      UPLOADS_PREFIX: 'uploads/',
      JOBS_TABLE: resources.jobsTable.name,
      JOB_TTL_DAYS: '30',
      SUCCESS_TOPIC_ARN: 'arn:success',
      ERROR_TOPIC_ARN: 'arn:error',
      STATE_MACHINE_ARN: 'arn:machine',
      MAX_INPUT_BYTES: '52428800',
      MAX_INPUT_PIXELS: '100000000',
      MAX_INPUT_FRAMES: '1000',
      JOB_STALE_AFTER_SECONDS: '3900',
      WORKER_THRESHOLD_PIXELS: '40000000',
      WORKER_THRESHOLD_BYTES: '26214400',
      HEAVY_QUEUE_URL: 'url:heavy',
      REPROCESS_QUEUE_URL: 'url:reprocess',
      WORKER_VISIBILITY_SECONDS: '60',
      WORKER_HEARTBEAT_SECONDS: '900',
      WORKER_MAX_RECEIVE_COUNT: '3',
    });
  });

  it('says which setting is wrong', () => {
    expect(() => localResources('local', { IMAGE_PROCESSOR_LOCAL_VALIDATE_TIMEOUT_SECONDS: 'soon' })).toThrow(/stack config for the local stage is invalid.*validateTimeoutSeconds/s);
  });
});
