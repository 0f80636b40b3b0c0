import { resourceNames, stackNameFor } from '../../../stacks/config/names';

describe('resource names', () => {
  it('derives every name from the stack name, as the local runner does', () => {
    const names = resourceNames({ stackName: 'image-processor-dev' });
    expect(names.functionName('notify-error')).toBe('image-processor-dev-notify-error');
    expect(names.defaultBucketName('raw', '123456789012', 'us-east-1')).toBe('image-processor-dev-raw-123456789012-us-east-1');
    expect([names.jobsTable, names.successTopic, names.errorTopic, names.stateMachine]).toEqual([
      'image-processor-dev-jobs',
      'image-processor-dev-success',
      'image-processor-dev-error',
      'image-processor-dev-pipeline',
    ]);
  });

  it('names a stage’s stack', () => {
    expect(stackNameFor('prod')).toBe('image-processor-prod');
  });
});
