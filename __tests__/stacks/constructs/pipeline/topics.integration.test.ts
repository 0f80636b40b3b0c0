import { Testing } from 'cdktf';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { StatementCollector } from '../../../../stacks/constructs/shared/iam';
import { NotificationTopics, type NotificationTopicsProps } from '../../../../stacks/constructs/pipeline/topics';
import { list, only, resources, statements, type TerraformJson } from '../../support';

const BASE: NotificationTopicsProps = {
  successTopicName: 'image-processor-dev-success',
  errorTopicName: 'image-processor-dev-error',
  keyAlias: 'alias/image-processor-dev-topics',
  accountId: '123456789012',
  partition: 'aws',
  region: 'eu-west-1',
};

describe('NotificationTopics', () => {
  it('encrypts both topics with a rotated customer managed key', () => {
    const synthesized = Testing.synthScope((scope) => new NotificationTopics(scope, 'topics', BASE));
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(synthesized).toHaveResourceWithProperties(KmsAlias, { name: 'alias/image-processor-dev-topics' });
    expect(synthesized).toHaveResourceWithProperties(SnsTopic, { name: 'image-processor-dev-success', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/) });
    expect(synthesized).toHaveResourceWithProperties(SnsTopic, { name: 'image-processor-dev-error', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/) });
    expect(synthesized).not.toHaveResource(SnsTopicSubscription);
  });

  it('lets the account manage and use the key through IAM, with explicit actions only', () => {
    const json = JSON.parse(Testing.synthScope((scope) => new NotificationTopics(scope, 'topics', BASE))) as TerraformJson;
    const [statement, ...rest] = statements(only(json, 'aws_kms_key').policy);
    expect(rest).toEqual([]);
    expect(statement).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Resource: '*' });
    expect(list(statement!.Action)).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:GenerateDataKey', 'kms:Decrypt']));
    expect(list(statement!.Action).some((action) => action.includes('*'))).toBe(false);
  });

  it('subscribes the configured e-mail addresses', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => new NotificationTopics(scope, 'topics', { ...BASE, errorEmail: 'ops@example.com', keyDeletionWindowDays: 30 })),
    ) as TerraformJson;
    const subscriptions = Object.values(resources(json, 'aws_sns_topic_subscription'));
    expect(subscriptions).toEqual([expect.objectContaining({ protocol: 'email', endpoint: 'ops@example.com', topic_arn: expect.stringContaining('topics_error') })]);
    expect(only(json, 'aws_kms_key').deletion_window_in_days).toBe(30);
  });

  it('grants publishing to one topic, and the key once', () => {
    const publisher = new StatementCollector();
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const topics = new NotificationTopics(scope, 'topics', BASE);
        topics.grantPublish({ grantName: 'notify', addToRolePolicy: (statement) => publisher.add(statement) }, 'error');
        new IamRolePolicy(scope, 'policy', { role: 'notify', policy: publisher.document() });
      }),
    ) as TerraformJson;
    expect(statements(only(json, 'aws_iam_role_policy').policy)).toEqual([
      { Sid: 'PublishError', Effect: 'Allow', Action: 'sns:Publish', Resource: expect.stringMatching(/topics_error.*\.arn/) },
      {
        Sid: 'EncryptNotifications',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: expect.stringMatching(/aws_kms_key\..*\.arn/),
        Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } },
      },
    ]);
  });
});
