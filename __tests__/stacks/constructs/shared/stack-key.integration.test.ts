import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Testing } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { StackKey } from '../../../../stacks/constructs/shared/stack-key';
import { list, only, statements, type TerraformJson } from '../../support';

const PROPS = { alias: 'alias/image-processor-dev', accountId: '123456789012', partition: 'aws', region: 'eu-west-1' };

describe('StackKey', () => {
  it('is rotated yearly, recoverable for 30 days and protected from destroy by default', () => {
    const synthesized = Testing.synthScope((scope) => new StackKey(scope, 'key', PROPS));
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: 'alias/image-processor-dev' });
  });

  it('lets the account manage and use it through IAM with explicit actions, and this account’s alarms and rules deliver through it', () => {
    const json = JSON.parse(Testing.synthScope((scope) => new StackKey(scope, 'key', PROPS))) as TerraformJson;
    const [account, alarms, rules, ...rest] = statements(only(json, 'aws_kms_key').policy);
    expect(rest).toEqual([]);
    expect(account).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Resource: '*' });
    expect(list(account!.Action)).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:GenerateDataKey', 'kms:Decrypt']));
    expect(list(account!.Action).some((action) => action.includes('*'))).toBe(false);
    expect(alarms).toEqual({
      Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' } },
    });
    expect(rules).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:123456789012:rule/*' } },
    });
  });

  it('lets CloudWatch Logs of its region use it for the log groups that asked for it, each once, and no others', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const key = new StackKey(scope, 'key', PROPS);
        new CloudwatchLogGroup(scope, 'api', { name: '/ec2/image-processor-dev-api', kmsKeyId: key.encryptLogGroup('/ec2/image-processor-dev-api') });
        key.encryptLogGroup('/aws/lambda/image-processor-dev-validate');
        key.encryptLogGroup('/ec2/image-processor-dev-api');
      }),
    ) as TerraformJson;
    expect(only(json, 'aws_cloudwatch_log_group').kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    const [, , , logs, ...rest] = statements(only(json, 'aws_kms_key').policy);
    expect(rest).toEqual([]);
    expect(logs).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Resource: '*',
      Condition: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': ['arn:aws:logs:eu-west-1:123456789012:log-group:/ec2/image-processor-dev-api', 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/image-processor-dev-validate'],
        },
      },
    });
    expect(list(logs!.Action)).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']));
    expect(list(logs!.Action).some((action) => action.includes('*'))).toBe(false);
  });

  it('may be destroyed and deleted within 7 days when asked (dev)', () => {
    const synthesized = Testing.synthScope((scope) => new StackKey(scope, 'key', { ...PROPS, preventDestroy: false, deletionWindowDays: 7 }));
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 7, lifecycle: { prevent_destroy: false } });
  });
});
