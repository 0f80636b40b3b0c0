import { Testing, TerraformStack } from 'cdktf';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { readRuntimeEnv, runtimeVariables } from '../../../../handlers/runtime/env';
import { FUNCTIONS, MANIFEST, type FunctionName } from '../../../../handlers/runtime/manifest';
import { JobsTable } from '../../../../stacks/constructs/pipeline/jobs-table';
import { ImagePipeline } from '../../../../stacks/constructs/pipeline/pipeline';
import { StackKey } from '../../../../stacks/constructs/shared/stack-key';
import { ImageStorage } from '../../../../stacks/constructs/storage/storage';
import { NotificationTopics } from '../../../../stacks/constructs/pipeline/topics';
import { functionPolicy, grants, resources, stubArtifacts, synthJson, testStack, type TerraformJson } from '../../support';

const logicalId = (name: FunctionName) => `functions_${name.replace(/-/g, '_')}_function`;

const RAW = '${aws_s3_bucket.storage_raw_bucket.arn}';
const PROCESSED = '${aws_s3_bucket.storage_processed_bucket.arn}';
const TABLE = '${aws_dynamodb_table.jobs_table.arn}';
const ADVANCE = { 'dynamodb:GetItem': [TABLE], 'dynamodb:UpdateItem': [TABLE] };
const KEY = '${aws_kms_key.key_key.arn}';
const TOPICS_KEY = { 'kms:Decrypt': [KEY], 'kms:GenerateDataKey': [KEY] };
const WORK = `${PROCESSED}/_work/*`;
/** Objects in the buckets are encrypted with the stack key, which the functions use through S3. */
const BUCKET_KEY = { 'kms:Decrypt': [KEY], 'kms:GenerateDataKey': [KEY] };
const WRITE_WORK = { 's3:AbortMultipartUpload': [WORK], 's3:PutObject': [WORK] };

/** Exactly what each function may do, besides writing its own logs and traces. */
const EXPECTED_GRANTS: Record<FunctionName, Record<string, string[]>> = {
  'start-workflow': {
    ...ADVANCE,
    'dynamodb:PutItem': [TABLE],
    'sqs:SendMessage': ['${aws_sqs_queue.functions_start_workflow_failures.arn}'],
    'states:StartExecution': ['${aws_sfn_state_machine.workflow_state_machine.arn}'],
  },
  validate: { ...ADVANCE, ...BUCKET_KEY, 's3:GetObject': [`${RAW}/uploads/*`], 's3:GetObjectVersion': [`${RAW}/uploads/*`], 's3:ListBucket': [RAW], ...WRITE_WORK },
  resize: { ...ADVANCE, ...BUCKET_KEY, 's3:GetObject': [WORK], ...WRITE_WORK },
  filters: { ...ADVANCE, ...BUCKET_KEY, 's3:GetObject': [WORK], ...WRITE_WORK },
  optimize: { ...ADVANCE, ...BUCKET_KEY, 's3:GetObject': [WORK], 's3:AbortMultipartUpload': [`${PROCESSED}/*`], 's3:PutObject': [`${PROCESSED}/*`] },
  'notify-success': { ...ADVANCE, ...TOPICS_KEY, 'sns:Publish': ['${aws_sns_topic.topics_success.arn}'], 's3:DeleteObject': [WORK], 's3:ListBucket': [PROCESSED] },
  'notify-error': { ...ADVANCE, ...TOPICS_KEY, 'sns:Publish': ['${aws_sns_topic.topics_error.arn}'], 's3:DeleteObject': [`${PROCESSED}/*`], 's3:ListBucket': [PROCESSED] },
  reconcile: {
    ...ADVANCE,
    ...TOPICS_KEY,
    'dynamodb:Query': [`${TABLE}/index/open-jobs`],
    'sns:Publish': ['${aws_sns_topic.topics_error.arn}', '${aws_sns_topic.topics_success.arn}'],
    's3:DeleteObject': [`${PROCESSED}/*`],
    's3:ListBucket': [PROCESSED],
    'states:DescribeExecution': ['arn:${data.aws_partition.partition.partition}:states:us-east-1:${data.aws_caller_identity.caller.account_id}:execution:image-processor-dev-pipeline:*'],
  },
};

describe('ImagePipeline', () => {
  let json: TerraformJson;
  let synthesized: string;
  beforeAll(async () => {
    const stack = await testStack();
    synthesized = Testing.synth(stack);
    json = synthJson(stack);
  });

  it('creates one arm64 nodejs24.x function per entrypoint with X-Ray, its own log group and the configured size', () => {
    for (const name of FUNCTIONS) {
      expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
        function_name: `image-processor-dev-${name}`,
        runtime: 'nodejs24.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        tracing_config: { mode: 'Active' },
        logging_config: { log_format: 'JSON', application_log_level: 'INFO', system_log_level: 'INFO', log_group: `\${aws_cloudwatch_log_group.functions_${name.replace(/-/g, '_')}_log_group.name}` },
      });
    }
    const functions = resources(json, 'aws_lambda_function');
    expect(functions[logicalId('optimize')]).toMatchObject({ memory_size: 3008, timeout: 300 });
    expect(functions[logicalId('start-workflow')]).toMatchObject({ memory_size: 256, timeout: 30 });
    for (const name of FUNCTIONS.filter((entrypoint) => MANIFEST[entrypoint].needsSharp)) expect(functions[logicalId(name)].memory_size).toBeGreaterThanOrEqual(1536);
  });

  it('gives each function exactly the variables its handler reads, which it can read', () => {
    const functions = resources(json, 'aws_lambda_function');
    for (const name of FUNCTIONS) {
      const variables = functions[logicalId(name)].environment.variables as Record<string, string>;
      // IMAGE_PRESET is optional and unset by default; everything else the entrypoint reads is set.
      expect([name, Object.keys(variables).sort()]).toEqual([name, runtimeVariables(name).filter((variable) => variable !== 'IMAGE_PRESET').sort()]);
      expect(() => readRuntimeEnv(name, variables)).not.toThrow();
    }
    expect(functions[logicalId('start-workflow')].environment.variables).toEqual({
      JOBS_TABLE: '${aws_dynamodb_table.jobs_table.name}',
      JOB_TTL_DAYS: '30',
      POWERTOOLS_SERVICE_NAME: 'image-processor-dev',
      STATE_MACHINE_ARN: '${aws_sfn_state_machine.workflow_state_machine.arn}',
      UPLOADS_PREFIX: 'uploads/',
    });
    expect(functions[logicalId('validate')].environment.variables).toMatchObject({
      PROCESSED_BUCKET: '${aws_s3_bucket.storage_processed_bucket.bucket}',
      WORK_PREFIX: '_work/',
      MAX_INPUT_BYTES: '52428800',
      MAX_INPUT_PIXELS: '100000000',
      MAX_INPUT_FRAMES: '1000',
    });
  });

  it('passes a configured preset to the image steps only', async () => {
    const preset = { name: 'tiny', renditions: [{ name: 'thumb', width: 100 }], formats: [{ format: 'webp', quality: 60 }] };
    const functions = resources(synthJson(await testStack({ context: { settings: { imagePreset: preset } } })), 'aws_lambda_function');
    for (const name of FUNCTIONS) {
      const value = functions[logicalId(name)].environment.variables.IMAGE_PRESET;
      expect([name, value === undefined ? undefined : JSON.parse(value)]).toEqual([name, (MANIFEST[name].environment as readonly string[]).includes('imagePreset') ? preset : undefined]);
    }
  });

  it('gives each function its own role granting only what its handler does', () => {
    const roles = new Set<string>();
    for (const name of FUNCTIONS) {
      const policy = functionPolicy(json, logicalId(name));
      const logGroup = `\${aws_cloudwatch_log_group.functions_${name.replace(/-/g, '_')}_log_group.arn}:*`;
      expect([name, grants(policy)]).toEqual([
        name,
        {
          ...EXPECTED_GRANTS[name],
          'logs:CreateLogStream': [logGroup],
          'logs:PutLogEvents': [logGroup],
          'xray:PutTelemetryRecords': ['*'],
          'xray:PutTraceSegments': ['*'],
        },
      ]);
      roles.add(resources(json, 'aws_lambda_function')[logicalId(name)].role);
    }
    expect(roles.size).toBe(FUNCTIONS.length);
    const list = functionPolicy(json, logicalId('notify-success')).find((statement) => statement.Sid === 'ListWorkArea');
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': '_work/*' } });
  });

  it('attaches the sharp layer to the functions whose bundle requires sharp', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaLayerVersion, {
      layer_name: 'image-processor-dev-sharp',
      compatible_architectures: ['arm64'],
      compatible_runtimes: ['nodejs24.x'],
    });
    const functions = resources(json, 'aws_lambda_function');
    for (const name of FUNCTIONS) {
      const expected = ['validate', 'resize', 'filters', 'optimize'].includes(name) ? ['${aws_lambda_layer_version.functions_sharp_layer.arn}'] : undefined;
      expect([name, functions[logicalId(name)].layers]).toEqual([name, expected]);
    }
  });

  it('retries start-workflow a bounded number of times, then keeps the event in an encrypted queue', () => {
    expect(synthesized).toHaveResourceWithProperties(SqsQueue, {
      name: 'image-processor-dev-start-workflow-dlq',
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 14 * 86_400,
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      function_name: `\${aws_lambda_function.${logicalId('start-workflow')}.function_name}`,
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21600,
      destination_config: { on_failure: { destination: '${aws_sqs_queue.functions_start_workflow_failures.arn}' } },
    });
  });

  it('points each function at its zip by a relative asset path and a content hash', async () => {
    const artifacts = await stubArtifacts();
    const functions = resources(json, 'aws_lambda_function');
    for (const name of FUNCTIONS) {
      const fn = functions[logicalId(name)];
      expect(fn.filename).toBe(`assets/functions_${name.replace(/-/g, '_')}_code/${artifacts.functions[name].sha256Hex}/${name}.zip`);
      expect(fn.source_code_hash).toBe(artifacts.functions[name].sha256Base64);
      expect(fn.depends_on).toEqual([
        `aws_cloudwatch_log_group.functions_${name.replace(/-/g, '_')}_log_group`,
        `aws_iam_role_policy.functions_${name.replace(/-/g, '_')}_policy`,
      ]);
    }
  });

  it('refuses to synthesize until start-workflow knows its state machine, and bundles needing unknown packages', async () => {
    const artifacts = await stubArtifacts();
    const stack = new TerraformStack(Testing.app(), 'stack');
    const storage = new ImageStorage(stack, 'storage', { rawBucketName: 'raw', processedBucketName: 'processed', accessLogsBucketName: 'logs', accountId: '123456789012', region: 'eu-west-1' });
    const table = new JobsTable(stack, 'jobs', { tableName: 'jobs' });
    const key = new StackKey(stack, 'key', { alias: 'alias/t', accountId: '123456789012', partition: 'aws', region: 'eu-west-1' });
    const topics = new NotificationTopics(stack, 'topics', { successTopicName: 's', errorTopicName: 'e', key, region: 'eu-west-1' });
    new ImagePipeline(stack, 'functions', { namePrefix: 'p', serviceName: 'p', code: artifacts.functions, sharpLayer: artifacts.sharpLayer, storage, table, topics, logKey: key });
    expect(() => Testing.synth(stack, true)).toThrow(/The functions need the state machine/);

    const withCanvas = { ...artifacts.functions, resize: { ...artifacts.functions.resize, externals: ['sharp', 'canvas'] } };
    expect(
      () => new ImagePipeline(stack, 'other', { namePrefix: 'q', serviceName: 'q', code: withCanvas, sharpLayer: artifacts.sharpLayer, storage, table, topics, logKey: key }),
    ).toThrow('The resize bundle requires canvas at run time, but only sharp is provided (by the layer).');
  });
});
