import { Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { PipelineFunction } from '../../../../stacks/constructs/pipeline/function';
import { only, statements, stubArtifacts, TEST_LOG_KEY, type TerraformJson } from '../../support';

describe('PipelineFunction', () => {
  it('turns on --enable-source-maps only for code that carries its source maps', async () => {
    const code = (await stubArtifacts()).functions.validate;
    const variablesOf = (sourceMapInZip: boolean | undefined) => {
      const json = JSON.parse(
        Testing.synthScope((scope) => {
          new PipelineFunction(scope, 'validate', { functionName: 'f', code: { ...code, ...(sourceMapInZip === undefined ? {} : { sourceMapInZip }) }, environment: { A: '1' }, logKey: TEST_LOG_KEY });
        }),
      ) as TerraformJson;
      return only(json, 'aws_lambda_function').environment.variables;
    };
    expect(variablesOf(undefined)).toEqual({ A: '1' });
    expect(variablesOf(false)).toEqual({ A: '1' });
    expect(variablesOf(true)).toEqual({ A: '1', NODE_OPTIONS: '--enable-source-maps' });
  });

  it('owns its role, log group, code asset and policy, and may write only its own logs and traces', async () => {
    const code = (await stubArtifacts()).functions.validate;
    const synthesized = Testing.synthScope((scope) => {
      new PipelineFunction(scope, 'validate', {
        functionName: 'image-processor-dev-validate',
        code,
        logKey: TEST_LOG_KEY,
        memoryMb: 2048,
        timeoutSeconds: 120,
        environment: { WORK_PREFIX: '_work/', JOBS_TABLE: 'jobs' },
        layers: ['arn:aws:lambda:us-east-1:123456789012:layer:sharp:1'],
        logRetentionDays: 14,
      });
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'image-processor-dev-validate',
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      memory_size: 2048,
      timeout: 120,
      layers: ['arn:aws:lambda:us-east-1:123456789012:layer:sharp:1'],
      source_code_hash: code.sha256Base64,
      environment: { variables: { JOBS_TABLE: 'jobs', WORK_PREFIX: '_work/' } },
      tracing_config: { mode: 'Active' },
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/lambda/image-processor-dev-validate', retention_in_days: 14 });
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: 'image-processor-dev-validate' });

    const json = JSON.parse(synthesized) as TerraformJson;
    expect(statements(only(json, 'aws_iam_role').assume_role_policy)).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(statements(only(json, 'aws_iam_role_policy').policy)).toEqual([
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^.]+\.arn\}:\*$/) },
      { Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
    ]);
    expect(only(json, 'aws_lambda_function').filename).toMatch(new RegExp(`^assets/[^/]+/${code.sha256Hex}/validate\\.zip$`));
  });
});
