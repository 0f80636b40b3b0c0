/**
 * The success and error topics, encrypted with a customer managed KMS key (rotated yearly), with
 * optional e-mail subscriptions.
 */
import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { policyDocument, type Grantable } from '../shared/iam';

export interface NotificationTopicsProps {
  readonly successTopicName: string;
  readonly errorTopicName: string;
  /** Alias of the topics' KMS key, `alias/...`. */
  readonly keyAlias: string;
  readonly accountId: string;
  readonly partition: string;
  /** The topics' region: publishers may use the key only through SNS there. */
  readonly region: string;
  /** Subscribed to the success topic. @default no subscription */
  readonly successEmail?: string;
  /** Subscribed to the error topic. @default no subscription */
  readonly errorEmail?: string;
  /** Days a deleted key stays recoverable. @default 30 (the longest KMS allows) */
  readonly keyDeletionWindowDays?: number;
}

/**
 * What the account (through IAM policies; the key policy grants nothing to anyone by itself) may
 * do with the key: administer it — including `kms:PutKeyPolicy`, so a missing action can always be
 * added — and use it. Listed explicitly instead of `kms:*`.
 */
export const KEY_ACCOUNT_ACTIONS: readonly string[] = Object.freeze([
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
]);

export type TopicKind = 'success' | 'error';

export class NotificationTopics extends Construct {
  readonly key: KmsKey;
  readonly successTopic: SnsTopic;
  readonly errorTopic: SnsTopic;
  private readonly keyGrantees = new Set<Grantable>();
  private readonly region: string;

  constructor(scope: Construct, id: string, props: NotificationTopicsProps) {
    super(scope, id);
    this.region = props.region;
    this.key = new KmsKey(this, 'key', {
      description: 'Encrypts the image processor success and error topics',
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? 30,
      policy: policyDocument([
        {
          Sid: 'AccountManagesAndUsesKeyThroughIam',
          Effect: 'Allow',
          Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
          Action: KEY_ACCOUNT_ACTIONS,
          // In a key policy, "*" means this key.
          Resource: '*',
        },
      ]),
    });
    new KmsAlias(this, 'key_alias', { name: props.keyAlias, targetKeyId: this.key.keyId });

    this.successTopic = new SnsTopic(this, 'success', { name: props.successTopicName, kmsMasterKeyId: this.key.arn });
    this.errorTopic = new SnsTopic(this, 'error', { name: props.errorTopicName, kmsMasterKeyId: this.key.arn });
    if (props.successEmail) {
      new SnsTopicSubscription(this, 'success_email', { topicArn: this.successTopic.arn, protocol: 'email', endpoint: props.successEmail });
    }
    if (props.errorEmail) {
      new SnsTopicSubscription(this, 'error_email', { topicArn: this.errorTopic.arn, protocol: 'email', endpoint: props.errorEmail });
    }
  }

  topic(kind: TopicKind): SnsTopic {
    return kind === 'success' ? this.successTopic : this.errorTopic;
  }

  /** Publishes to one topic (and encrypts with the topics' key). */
  grantPublish(grantee: Grantable, kind: TopicKind): void {
    grantee.addToRolePolicy({
      Sid: kind === 'success' ? 'PublishSuccess' : 'PublishError',
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: this.topic(kind).arn,
    });
    if (!this.keyGrantees.has(grantee)) {
      this.keyGrantees.add(grantee);
      grantee.addToRolePolicy({
        Sid: 'EncryptNotifications',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: this.key.arn,
        // Only SNS, publishing on the function's behalf, may use the key: not the function directly.
        Condition: { StringEquals: { 'kms:ViaService': `sns.${this.region}.amazonaws.com` } },
      });
    }
  }
}
