import { Testing } from 'cdktf';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { StatementCollector } from '../../../../stacks/constructs/shared/iam';
import type { Construct } from 'constructs';
import { NotificationTopics, type NotificationTopicsProps } from '../../../../stacks/constructs/pipeline/topics';
import { StackKey } from '../../../../stacks/constructs/shared/stack-key';
import { only, resources, statements, type TerraformJson } from '../../support';

function topics(scope: Construct, props: Partial<NotificationTopicsProps> = {}): NotificationTopics {
  const key = new StackKey(scope, 'key', { alias: 'alias/image-processor-dev', accountId: '123456789012', partition: 'aws', region: 'eu-west-1' });
  return new NotificationTopics(scope, 'topics', {
    successTopicName: 'image-processor-dev-success',
    errorTopicName: 'image-processor-dev-error',
    key,
    region: 'eu-west-1',
    ...props,
  });
}

describe('NotificationTopics', () => {
  it('encrypts both topics with the stack key', () => {
    const synthesized = Testing.synthScope((scope) => topics(scope));
    expect(synthesized).toHaveResourceWithProperties(SnsTopic, { name: 'image-processor-dev-success', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/) });
    expect(synthesized).toHaveResourceWithProperties(SnsTopic, { name: 'image-processor-dev-error', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/) });
    expect(synthesized).not.toHaveResource(SnsTopicSubscription);
  });

  it('subscribes the configured e-mail addresses', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => topics(scope, { errorEmail: 'ops@example.com' })),
    ) as TerraformJson;
    const subscriptions = Object.values(resources(json, 'aws_sns_topic_subscription'));
    expect(subscriptions).toEqual([expect.objectContaining({ protocol: 'email', endpoint: 'ops@example.com', topic_arn: expect.stringContaining('topics_error') })]);
  });

  it('grants publishing to one topic, and the key once', () => {
    const publisher = new StatementCollector();
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        topics(scope).grantPublish({ grantName: 'notify', addToRolePolicy: (statement) => publisher.add(statement) }, 'error');
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
