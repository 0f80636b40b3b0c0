/**
 * What the local runner takes from the synthesized stack: each function's role and its inline
 * policy, each ECS task's role and policy (the worker's), the queues' keys,
 * the buckets' policies and SSE-KMS keys, the topics' keys, the key policies, and each
 * function's settings and the upload notification (to prove the local resources are the stack's).
 * Plain JSON, so it can be cached between runs (cache.ts).
 */
import { referenceTable, resolveDeep, resolveReferences, type LocalPlace, type ReferenceTable } from './references';
import type { TerraformJson } from './synthesize';

export interface FunctionRole {
  readonly functionName: string;
  readonly roleName: string;
  /** The role's inline policy as synthesized: JSON text with Terraform references. */
  readonly policy: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Its variables, references resolved. */
  readonly environment: Readonly<Record<string, string>>;
}

/** An ECS task family's task role (the worker's): what its containers' SDK calls are held to. */
export interface TaskRole {
  readonly family: string;
  readonly roleName: string;
  readonly policy: string;
}

/** An EC2 instance profile's role (the API fleet's): what the instances' SDK calls are held to. */
export interface InstanceRole {
  readonly profileName: string;
  readonly roleName: string;
  readonly policy: string;
}

export interface BucketEncryption {
  readonly keyArn: string;
  /** S3 bucket keys: the encryption context is the bucket's ARN instead of the object's. */
  readonly bucketKey: boolean;
}

export interface UploadNotification {
  readonly bucket: string;
  readonly functionArn: string;
  readonly events: readonly string[];
  readonly filterPrefix: string;
}

export interface LocalStackModel {
  readonly place: LocalPlace;
  /** By function name. */
  readonly functions: Readonly<Record<string, FunctionRole>>;
  /** By task family. */
  readonly tasks: Readonly<Record<string, TaskRole>>;
  /** By instance profile name. */
  readonly instanceProfiles: Readonly<Record<string, InstanceRole>>;
  /** Queue ARN → the key it is encrypted with. */
  readonly queueKeys: Readonly<Record<string, string>>;
  /** Bucket name → its bucket policy, references resolved. */
  readonly bucketPolicies: Readonly<Record<string, string>>;
  /** Bucket name → its default SSE-KMS encryption (absent for SSE-S3). */
  readonly bucketKeys: Readonly<Record<string, BucketEncryption>>;
  /** Topic ARN → the key it is encrypted with. */
  readonly topicKeys: Readonly<Record<string, string>>;
  /** Key ARN → its key policy, references resolved. */
  readonly keyPolicies: Readonly<Record<string, string>>;
  readonly notifications: readonly UploadNotification[];
  /** Every reference a policy may hold, resolved: also for policies given with --policy. */
  readonly references: ReferenceTable;
}

type Block = Readonly<Record<string, Record<string, any>>>;

const ROLE_ARN = /^\$\{aws_iam_role\.([^.}]+)\.arn\}$/;
const ROLE_ID = /^\$\{aws_iam_role\.([^.}]+)\.(?:id|name)\}$/;

export function stackModel(json: TerraformJson, place: LocalPlace): LocalStackModel {
  const references = referenceTable(json, place);
  const resources = (type: string): Block => (json.resource?.[type] ?? {}) as Block;
  const resolve = (text: string) => resolveReferences(text, references);

  const policiesByRole = new Map<string, string>();
  for (const policy of Object.values(resources('aws_iam_role_policy'))) {
    const role = ROLE_ID.exec(String(policy.role))?.[1];
    if (role) policiesByRole.set(role, String(policy.policy));
  }
  const functions: Record<string, FunctionRole> = {};
  for (const fn of Object.values(resources('aws_lambda_function'))) {
    const role = ROLE_ARN.exec(String(fn.role))?.[1];
    const functionName = resolve(String(fn.function_name));
    if (!role) throw new Error(`Expected the function ${functionName} to name a role of the stack, but its role is ${String(fn.role)}.`);
    functions[functionName] = {
      functionName,
      roleName: resolve(String(resources('aws_iam_role')[role]?.name)),
      policy: policiesByRole.get(role) ?? '{"Version":"2012-10-17","Statement":[]}',
      memoryMb: Number(fn.memory_size),
      timeoutSeconds: Number(fn.timeout),
      environment: resolveDeep((fn.environment?.variables ?? {}) as Record<string, string>, references),
    };
  }

  const tasks: Record<string, TaskRole> = {};
  for (const task of Object.values(resources('aws_ecs_task_definition'))) {
    const role = ROLE_ARN.exec(String(task.task_role_arn))?.[1];
    const family = resolve(String(task.family));
    if (!role) throw new Error(`Expected the task ${family} to name a task role of the stack, but it is ${String(task.task_role_arn)}.`);
    tasks[family] = { family, roleName: resolve(String(resources('aws_iam_role')[role]?.name)), policy: policiesByRole.get(role) ?? '{"Version":"2012-10-17","Statement":[]}' };
  }
  const instanceProfiles: Record<string, InstanceRole> = {};
  for (const profile of Object.values(resources('aws_iam_instance_profile'))) {
    const role = ROLE_ID.exec(String(profile.role))?.[1];
    const profileName = resolve(String(profile.name));
    if (!role) throw new Error(`Expected the instance profile ${profileName} to name a role of the stack, but it is ${String(profile.role)}.`);
    instanceProfiles[profileName] = { profileName, roleName: resolve(String(resources('aws_iam_role')[role]?.name)), policy: policiesByRole.get(role) ?? '{"Version":"2012-10-17","Statement":[]}' };
  }
  const queueKeys: Record<string, string> = {};
  for (const [logicalId, queue] of Object.entries(resources('aws_sqs_queue'))) {
    if (queue.kms_master_key_id) queueKeys[references[`aws_sqs_queue.${logicalId}.arn`]!] = resolve(String(queue.kms_master_key_id));
  }

  const bucketPolicies: Record<string, string> = {};
  for (const policy of Object.values(resources('aws_s3_bucket_policy'))) bucketPolicies[resolve(String(policy.bucket))] = resolve(String(policy.policy));
  const bucketKeys: Record<string, BucketEncryption> = {};
  for (const encryption of Object.values(resources('aws_s3_bucket_server_side_encryption_configuration'))) {
    const rule = (encryption.rule as { apply_server_side_encryption_by_default?: { sse_algorithm?: string; kms_master_key_id?: string }; bucket_key_enabled?: boolean }[])[0];
    const defaults = rule?.apply_server_side_encryption_by_default;
    if (defaults?.sse_algorithm === 'aws:kms' && defaults.kms_master_key_id) {
      bucketKeys[resolve(String(encryption.bucket))] = { keyArn: resolve(defaults.kms_master_key_id), bucketKey: rule?.bucket_key_enabled === true };
    }
  }
  const topicKeys: Record<string, string> = {};
  for (const [logicalId, topic] of Object.entries(resources('aws_sns_topic'))) {
    if (topic.kms_master_key_id) topicKeys[references[`aws_sns_topic.${logicalId}.arn`]!] = resolve(String(topic.kms_master_key_id));
  }
  const keyPolicies: Record<string, string> = {};
  for (const logicalId of Object.keys(resources('aws_kms_key'))) {
    keyPolicies[references[`aws_kms_key.${logicalId}.arn`]!] = resolve(String(resources('aws_kms_key')[logicalId]!.policy));
  }
  const notifications = Object.values(resources('aws_s3_bucket_notification')).flatMap((notification) =>
    ((notification.lambda_function ?? []) as { lambda_function_arn: string; events: string[]; filter_prefix?: string }[]).map((target) => ({
      bucket: resolve(String(notification.bucket)),
      functionArn: resolve(target.lambda_function_arn),
      events: target.events,
      filterPrefix: target.filter_prefix ?? '',
    })),
  );
  return { place, functions, tasks, instanceProfiles, queueKeys, bucketPolicies, bucketKeys, topicKeys, keyPolicies, notifications, references };
}
