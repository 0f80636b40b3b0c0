/**
 * The stack's own KMS key (rotated yearly): it encrypts the buckets (unless configured otherwise),
 * the notification topics and, as they come, the queues and the alarm topic. Its policy lets the
 * account administer and use it through IAM — no one may use it without a grant in their own
 * policy — lets CloudWatch alarms and EventBridge rules of this account deliver to topics it
 * encrypts, scoped to this account's alarms and rules, and lets CloudWatch Logs encrypt the log
 * groups named for it, and no others.
 */
import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { policyDocument, type PolicyStatement } from './iam';

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

/** A key a log group can be encrypted with. */
export interface LogGroupKey {
  /** Lets CloudWatch Logs use the key for the group named `name` (and no other); returns the key's ARN for the group's `kms_key_id`. */
  encryptLogGroup(name: string): string;
}

export interface StackKeyProps {
  /** `alias/<stack>`. */
  readonly alias: string;
  readonly accountId: string;
  readonly partition: string;
  /** The stack's region: the alarms and rules that may deliver through the key are this region's. */
  readonly region: string;
  /** Days a deleted key stays recoverable. @default 30 (the longest KMS allows) */
  readonly deletionWindowDays?: number;
  /** Terraform refuses to destroy the key (`lifecycle.prevent_destroy`). @default true */
  readonly preventDestroy?: boolean;
}

export class StackKey extends Construct implements LogGroupKey {
  readonly key: KmsKey;
  /** The groups CloudWatch Logs may encrypt with it, in the order they asked; read when the policy is rendered. */
  private readonly logGroups: string[] = [];

  constructor(scope: Construct, id: string, props: StackKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: `Encrypts the data and notifications of ${props.alias.replace(/^alias\//, '')}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      // Rendered at synth, once every log group has asked for the key.
      policy: Lazy.stringValue({ produce: () => this.policy(props) }),
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.key.keyId });
  }

  get arn(): string {
    return this.key.arn;
  }

  encryptLogGroup(name: string): string {
    if (!this.logGroups.includes(name)) this.logGroups.push(name);
    return this.arn;
  }

  private policy(props: StackKeyProps): string {
    const account = props.accountId;
    const deliveredBy = (service: 'cloudwatch' | 'events', sid: string, sourceArn: string): PolicyStatement => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: `${service}.amazonaws.com` },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
    });
    return policyDocument([
      {
        Sid: 'AccountManagesAndUsesKeyThroughIam',
        Effect: 'Allow',
        Principal: { AWS: `arn:${props.partition}:iam::${account}:root` },
        Action: KEY_ACCOUNT_ACTIONS,
        // In a key policy, "*" means this key.
        Resource: '*',
      },
      deliveredBy('cloudwatch', 'CloudWatchAlarmsPublishToEncryptedTopics', `arn:${props.partition}:cloudwatch:${props.region}:${account}:alarm:*`),
      deliveredBy('events', 'EventBridgeRulesPublishToEncryptedTopics', `arn:${props.partition}:events:${props.region}:${account}:rule/*`),
      ...(this.logGroups.length > 0 ? [logGroupsStatement(props, this.logGroups)] : []),
    ]);
  }
}

/** CloudWatch Logs' use of the key, as AWS documents it, for the named groups of this account and region only. */
function logGroupsStatement(props: StackKeyProps, names: readonly string[]): PolicyStatement {
  return {
    Sid: 'CloudWatchLogsEncryptNamedLogGroups',
    Effect: 'Allow',
    Principal: { Service: `logs.${props.region}.amazonaws.com` },
    Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    Resource: '*',
    Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': names.map((name) => `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:${name}`) } },
  };
}
