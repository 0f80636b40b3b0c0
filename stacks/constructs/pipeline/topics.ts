/**
 * The success and error topics, encrypted with the stack's key, with optional e-mail
 * subscriptions.
 */
import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { Grantable } from '../shared/iam';
import { metric, type Metric } from '../shared/metric';
import type { StackKey } from '../shared/stack-key';

export interface NotificationTopicsProps {
  readonly successTopicName: string;
  readonly errorTopicName: string;
  /** Encrypts both topics; publishers are granted it through SNS only. */
  readonly key: StackKey;
  /** The topics' region: publishers may use the key only through SNS there. */
  readonly region: string;
  /** Subscribed to the success topic. @default no subscription */
  readonly successEmail?: string;
  /** Subscribed to the error topic. @default no subscription */
  readonly errorEmail?: string;
}

export type TopicKind = 'success' | 'error';

export class NotificationTopics extends Construct {
  readonly key: StackKey;
  readonly successTopic: SnsTopic;
  readonly errorTopic: SnsTopic;
  private readonly keyGrantees = new Set<Grantable>();
  private readonly region: string;

  constructor(scope: Construct, id: string, props: NotificationTopicsProps) {
    super(scope, id);
    this.region = props.region;
    this.key = props.key;
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

  /** An AWS/SNS metric of one topic: NumberOfNotificationsFailed, NumberOfMessagesPublished… */
  metric(kind: TopicKind, metricName: string): Metric {
    return metric('AWS/SNS', metricName, { TopicName: this.topic(kind).name }, { label: `${kind} topic ${metricName}` });
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
