/** What the settings refuse before a plan: timeouts an execution cannot honour, silent prod workflows, concurrency Lambda would refuse, keys S3 cannot use. */
import { ConfigError } from '../../../stacks/config/errors';
import { loadStageConfigs } from '../../../stacks/config/resolve';
import { EXPRESS_TIMEOUTS } from '../support';

function problems(env: Record<string, string>): string[] {
  try {
    loadStageConfigs({ env });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('the pipeline settings', () => {
  it('refuse an Express workflow whose step timeouts add up to more than its 5 minutes, and accept shorter ones', () => {
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_WORKFLOW_TYPE: 'EXPRESS' })).toEqual([
      "image-processor-dev: expected the step timeouts along the workflow's longest path (validateTimeoutSeconds 120, resizeTimeoutSeconds 120, filtersTimeoutSeconds 120, optimizeTimeoutSeconds 300, notifySuccessTimeoutSeconds 30, notifyErrorTimeoutSeconds 30) to add up to at most the 300 s an EXPRESS execution may run, but they add up to 600 s: lower them or use workflowType STANDARD.",
    ]);
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_WORKFLOW_TYPE: 'EXPRESS', ...EXPRESS_TIMEOUTS })).toEqual([]);
  });

  it('refuse step timeouts whose retries can outlast a Standard execution', () => {
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_OPTIMIZE_TIMEOUT_SECONDS: '900' })).toEqual([
      expect.stringMatching(/^image-processor-dev: expected the step timeouts times their attempts along the workflow's longest path to stay under the execution's 3600 s, but they reach 4830 s/),
    ]);
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev' })).toEqual([]);
  });

  it('refuse a prod workflow that logs nothing', () => {
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'prod', IMAGE_PROCESSOR_WORKFLOW_LOG_LEVEL: 'OFF' })).toEqual([
      'image-processor-prod: expected workflowLogLevel to be ERROR, FATAL or ALL in prod (a failed execution must leave a trace), but received OFF.',
    ]);
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_WORKFLOW_LOG_LEVEL: 'OFF' })).toEqual([]);
  });

  it('refuse reserved concurrency that leaves less than 100 of the account unreserved', () => {
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_LAMBDA_ACCOUNT_CONCURRENCY: '200' })).toEqual([
      expect.stringMatching(/^image-processor-dev: expected the functions' reserved concurrency to leave at least 100 of lambdaAccountConcurrency \(200\) unreserved, as Lambda requires, but it reserves 112/),
    ]);
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_LAMBDA_ACCOUNT_CONCURRENCY: '212' })).toEqual([]);
  });
});

describe('the storage settings', () => {
  const key = (region: string, account: string) => `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  it('refuse a bucket key from another region, or from another account than the allowed ones', () => {
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_BUCKET_KMS_KEY_ARN: key('eu-west-1', '111111111111') })).toEqual([
      "image-processor-dev: expected bucketKmsKeyArn to be a key in the stage's region us-east-1 (S3 uses only keys of its own region), but it is in eu-west-1.",
    ]);
    expect(
      problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_ALLOWED_ACCOUNT_IDS: '111111111111', IMAGE_PROCESSOR_BUCKET_KMS_KEY_ARN: key('us-east-1', '222222222222') }),
    ).toEqual(["image-processor-dev: expected bucketKmsKeyArn to be a key of the stage's account (111111111111), but it belongs to 222222222222."]);
    expect(problems({ IMAGE_PROCESSOR_STAGES: 'dev', IMAGE_PROCESSOR_ALLOWED_ACCOUNT_IDS: '111111111111', IMAGE_PROCESSOR_BUCKET_KMS_KEY_ARN: key('us-east-1', '111111111111') })).toEqual([]);
  });
});
