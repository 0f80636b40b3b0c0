/** The local resources come from the stack config for the `local` stage: same names, same settings. */
import { FUNCTION_DEFAULTS, resourceNames } from '../../stacks/config';
import { localResources } from '../../local/resources';

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
      timeoutSeconds: FUNCTION_DEFAULTS.validate.timeoutSeconds,
      memoryMb: FUNCTION_DEFAULTS.validate.memoryMb,
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
    expect(resources.functionEnvironment.MAX_INPUT_BYTES).toBe('1000');
  });

  it('says which setting is wrong', () => {
    expect(() => localResources('local', { IMAGE_PROCESSOR_LOCAL_VALIDATE_TIMEOUT_SECONDS: 'soon' })).toThrow(/stack config for the local stage is invalid.*validateTimeoutSeconds/s);
  });
});
