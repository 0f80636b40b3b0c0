/**
 * The local runner and the stack agree: the synthesized local stage names the same functions (with
 * the same memory, timeout and variables), buckets, table, topics and state machine that the runner
 * creates from the same config (local/resources.ts), and its upload notification is the one the
 * runner delivers. Every function's policy resolves to local ARNs and is a valid policy.
 */
import { FUNCTIONS, entrypointTriggeredBy } from '../../../handlers/runtime/manifest';
import { modelKey } from '../../../local/iam/cache';
import { validatedPolicy } from '../../../local/iam/evaluator';
import { resolveReferences } from '../../../local/iam/references';
import { stackModel, type LocalStackModel } from '../../../local/iam/stack-model';
import { synthesizeStack } from '../../../local/iam/synthesize';
import { localFunctionArn } from '../../../local/lambda-context';
import { functionEnvironment, localResources, localStageConfig, workerTaskFamily, type LocalResources } from '../../../local/resources';

const place = { account: '000000000000', region: 'us-east-1' };
let model: LocalStackModel;
let resources: LocalResources;
beforeAll(() => {
  resources = localResources('local', {});
  model = stackModel(synthesizeStack(localStageConfig('local', {})), place);
});

const arn = (reference: string) => resolveReferences(`\${${reference}}`, model.references);

it('has every local function under its local name, memory and timeout', () => {
  expect(Object.keys(model.functions).sort()).toEqual(FUNCTIONS.map((name) => resources.functions[name].functionName).sort());
  for (const name of FUNCTIONS) {
    const local = resources.functions[name];
    expect(model.functions[local.functionName]).toMatchObject({ memoryMb: local.memoryMb, timeoutSeconds: local.timeoutSeconds, roleName: local.functionName });
  }
});

it('gives each function the variables the runner sets, and names the resources the runner creates', () => {
  const arns = { successTopicArn: arn('aws_sns_topic.topics_success.arn'), errorTopicArn: arn('aws_sns_topic.topics_error.arn'), stateMachineArn: arn('aws_sfn_state_machine.workflow_state_machine.arn') };
  expect(arns).toEqual({
    successTopicArn: `arn:aws:sns:us-east-1:000000000000:${resources.successTopic}`,
    errorTopicArn: `arn:aws:sns:us-east-1:000000000000:${resources.errorTopic}`,
    stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${resources.stateMachineName}`,
  });
  // No function reads the worker's queue URLs; only the worker does.
  const local = functionEnvironment(resources, { ...arns, heavyQueueUrl: 'worker-only', reprocessQueueUrl: 'worker-only' });
  for (const fn of Object.values(model.functions)) {
    const variables = fn.environment;
    // No zip carries its source map, so no function gets NODE_OPTIONS=--enable-source-maps.
    expect(variables).not.toHaveProperty('NODE_OPTIONS');
    expect(variables).toEqual(Object.fromEntries(Object.keys(variables).map((name) => [name, local[name]])));
  }
  expect(arn('aws_s3_bucket.storage_raw_bucket.bucket')).toBe(resources.rawBucket);
  expect(arn('aws_s3_bucket.storage_processed_bucket.bucket')).toBe(resources.processedBucket);
  expect(arn('aws_dynamodb_table.jobs_table.name')).toBe(resources.jobsTable.name);
});

it('notifies start-workflow of uploads under the uploads prefix of the raw bucket, as the runner delivers them', () => {
  const startWorkflow = resources.functions[entrypointTriggeredBy('upload')];
  expect(model.notifications).toEqual([
    { bucket: resources.rawBucket, functionArn: localFunctionArn(startWorkflow.region, startWorkflow.functionName), events: ['s3:ObjectCreated:*'], filterPrefix: resources.uploadsPrefix },
  ]);
});

it('resolves every policy to local ARNs, valid as IAM policies, with both buckets and both topics under the stack key', () => {
  for (const fn of Object.values(model.functions)) {
    const policy = resolveReferences(fn.policy, model.references);
    expect(policy).not.toContain('${');
    expect(() => validatedPolicy(JSON.parse(policy), fn.functionName, 'identity')).not.toThrow();
  }
  const key = arn('aws_kms_key.key_key.arn');
  expect(key).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
  expect(model.bucketKeys).toEqual({ [resources.rawBucket]: { keyArn: key, bucketKey: true }, [resources.processedBucket]: { keyArn: key, bucketKey: true } });
  expect(model.topicKeys).toMatchObject({ [arn('aws_sns_topic.topics_success.arn')]: key, [arn('aws_sns_topic.topics_error.arn')]: key });
  expect(Object.keys(model.keyPolicies)).toEqual([key]);
  expect(Object.keys(model.bucketPolicies).sort()).toEqual(expect.arrayContaining([resources.rawBucket, resources.processedBucket]));
});

it('keys the cached model by the stage config', () => {
  const config = localStageConfig('local', {});
  expect(modelKey(config, place)).toBe(modelKey(localStageConfig('local', {}), place));
  expect(modelKey(localStageConfig('local', { IMAGE_PROCESSOR_LOCAL_BUCKET_ENCRYPTION: 'AES256' }), place)).not.toBe(modelKey(config, place));
});

it('has the worker task under the family the in-process worker runs as, with a valid task role policy', () => {
  const family = workerTaskFamily(resources.stackName);
  expect(Object.keys(model.tasks)).toEqual([family]);
  expect(model.tasks[family]!.roleName).toBe(family);
  const policy = validatedPolicy(JSON.parse(resolveReferences(model.tasks[family]!.policy, model.references)), family, 'identity');
  expect(policy).toBeDefined();
  expect(Object.keys(model.queueKeys).sort()).toEqual(
    [resources.queues.heavy, resources.queues.heavyDeadLetter, resources.queues.reprocess, resources.queues.reprocessDeadLetter].map((name) => `arn:aws:sqs:us-east-1:000000000000:${name}`).sort(),
  );
});
