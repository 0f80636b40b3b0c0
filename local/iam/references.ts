/**
 * Terraform references in the synthesized stack (`${aws_s3_bucket.storage_raw_bucket.arn}`,
 * `${data.aws_caller_identity.caller.account_id}`, …) resolved to what the local resources are
 * called: each resource's name from its own synthesized arguments, its ARN as AWS forms it for
 * that service, in the local account and region.
 */
import { createHash } from 'node:crypto';
import type { TerraformJson } from './synthesize';

export interface LocalPlace {
  readonly account: string;
  readonly region: string;
}

type Arguments = Readonly<Record<string, unknown>>;
type Attributes = (args: Arguments, place: LocalPlace, logicalId: string) => Readonly<Record<string, unknown>>;

const named = (key: string, arn: (name: string, place: LocalPlace) => string): Attributes => (args, place) => {
  const name = String(args[key]);
  return { [key]: name, name, id: name, arn: arn(name, place) };
};

/** What each resource type's referenced attributes are locally. A type missing here cannot be referenced from a policy. */
const RESOURCE_ATTRIBUTES: Readonly<Record<string, Attributes>> = {
  aws_s3_bucket: named('bucket', (bucket) => `arn:aws:s3:::${bucket}`),
  aws_dynamodb_table: named('name', (name, { region, account }) => `arn:aws:dynamodb:${region}:${account}:table/${name}`),
  aws_sns_topic: (args, { region, account }) => {
    const arn = `arn:aws:sns:${region}:${account}:${String(args.name)}`;
    return { name: args.name, id: arn, arn };
  },
  aws_sqs_queue: named('name', (name, { region, account }) => `arn:aws:sqs:${region}:${account}:${name}`),
  aws_sfn_state_machine: (args, { region, account }) => {
    const arn = `arn:aws:states:${region}:${account}:stateMachine:${String(args.name)}`;
    return { name: args.name, id: arn, arn };
  },
  aws_lambda_function: named('function_name', (name, { region, account }) => `arn:aws:lambda:${region}:${account}:function:${name}`),
  aws_cloudwatch_log_group: named('name', (name, { region, account }) => `arn:aws:logs:${region}:${account}:log-group:${name}`),
  aws_iam_role: named('name', (name, { account }) => `arn:aws:iam::${account}:role/${name}`),
  // There is no KMS locally: the key gets a stable id of its own, derived from its address.
  aws_kms_key: (_args, { region, account }, logicalId) => {
    const hex = createHash('sha256').update(logicalId).digest('hex');
    const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    return { key_id: keyId, id: keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}` };
  },
};

const DATA_ATTRIBUTES: Readonly<Record<string, (place: LocalPlace) => Readonly<Record<string, string>>>> = {
  aws_caller_identity: ({ account }) => ({ account_id: account, id: account }),
  aws_partition: () => ({ partition: 'aws', dns_suffix: 'amazonaws.com', id: 'aws' }),
  aws_region: ({ region }) => ({ name: region, region, id: region }),
};

const REFERENCE = /\$\{([^}]+)\}/g;

/** Reference (`aws_s3_bucket.storage_raw_bucket.arn`, without `${}`) → its local value. */
export type ReferenceTable = Readonly<Record<string, string>>;

export class UnresolvedReferenceError extends Error {
  constructor(readonly reference: string) {
    super(`\${${reference}} names nothing the local stack has (a resource or data source of the stack, with an attribute the local runner knows).`);
  }
}

/** `text` with every reference replaced by its local value. @throws UnresolvedReferenceError */
export function resolveReferences(text: string, table: ReferenceTable): string {
  return text.replace(REFERENCE, (_, reference: string) => {
    const value = table[reference.trim()];
    if (value === undefined) throw new UnresolvedReferenceError(reference.trim());
    return value;
  });
}

/** Every string in a JSON value resolved. */
export function resolveDeep<T>(value: T, table: ReferenceTable): T {
  if (typeof value === 'string') return resolveReferences(value, table) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => resolveDeep(item, table)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveDeep(item, table)])) as T;
  return value;
}

/** Every attribute of the stack's resources and data sources that a policy or a variable may reference, resolved. */
export function referenceTable(json: TerraformJson, place: LocalPlace): ReferenceTable {
  const data: Record<string, string> = {};
  for (const [type, sources] of Object.entries(json.data ?? {})) {
    const attributes = DATA_ATTRIBUTES[type];
    if (!attributes) continue;
    for (const name of Object.keys(sources)) {
      for (const [attribute, value] of Object.entries(attributes(place))) data[`data.${type}.${name}.${attribute}`] = value;
    }
  }
  // Resource names refer only to data sources (a bucket name holds the account id).
  const table: Record<string, string> = { ...data };
  for (const [type, resources] of Object.entries(json.resource ?? {})) {
    const attributes = RESOURCE_ATTRIBUTES[type];
    if (!attributes) continue;
    for (const [logicalId, args] of Object.entries(resources)) {
      for (const [attribute, value] of Object.entries(attributes(args, place, logicalId))) {
        if (typeof value === 'string') table[`${type}.${logicalId}.${attribute}`] = resolveReferences(value, data);
      }
    }
  }
  return table;
}
