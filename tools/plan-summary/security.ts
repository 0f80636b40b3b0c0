/**
 * The changes a reviewer must look at for security: IAM policies and trust, resource policies,
 * bucket public access, security group rules, KMS key policies, and encryption turned off.
 */
import { diffStatements, policyStatements, asList, type PolicyStatement, describeStatement } from '../review/policy';
import { plural } from '../review/markdown';
import { kindOf, type ResourceChange } from './plan';

export interface SecurityFinding {
  readonly address: string;
  readonly kind: ReturnType<typeof kindOf>;
  /** What changed, in words: one entry per finding. */
  readonly notes: readonly string[];
  /** Widened access, public exposure or encryption off: listed first and marked. */
  readonly severe: boolean;
}

const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_kms_key_policy: ['policy'],
  aws_lambda_permission: [],
  aws_iam_role_policy_attachment: [],
};
const SECURITY_GROUP_TYPES = new Set(['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']);
const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

const first = (value: unknown): Record<string, unknown> | undefined => (Array.isArray(value) ? (value[0] as Record<string, unknown>) : (value as Record<string, unknown> | undefined));

/** New actions, resources or principals an Allow statement grants, or a wildcard it adds. */
function widening(before: PolicyStatement | undefined, after: PolicyStatement): string[] {
  if ((after.Effect ?? 'Allow') !== 'Allow') return [];
  const added = (field: 'Action' | 'Resource') => asList(after[field]).filter((item) => !asList(before?.[field]).includes(item));
  const notes = [...added('Action').map((action) => `action ${action}`), ...added('Resource').map((resource) => `resource ${resource}`)];
  if (JSON.stringify(after.Principal) !== JSON.stringify(before?.Principal) && after.Principal !== undefined) notes.push(`principal ${JSON.stringify(after.Principal)}`);
  if (before?.Condition !== undefined && after.Condition === undefined) notes.push('its condition removed');
  return notes;
}

function policyNotes(attribute: string, before: unknown, after: unknown, kind: string, unknownAfter: boolean): { notes: string[]; severe: boolean } {
  if (kind === 'delete') return { notes: [`${attribute} deleted`], severe: false };
  if (unknownAfter) return { notes: [`${attribute} ${kind === 'create' ? 'created' : 'changed'}, its text known after apply (review it in the synth diff)`], severe: false };
  const afterStatements = policyStatements(after);
  if (!afterStatements) return { notes: [], severe: false };
  const beforeStatements = policyStatements(before) ?? [];
  if (kind === 'create') return { notes: [`${attribute}: ${plural(afterStatements.length, 'statement')} (${afterStatements.map((statement) => statement.Sid ?? describeStatement(statement)).join(', ')})`], severe: afterStatements.some(isWildcard) };
  const notes: string[] = [];
  let severe = false;
  for (const change of diffStatements(beforeStatements, afterStatements)) {
    if (change.kind === 'removed') {
      notes.push(`${attribute}: statement ${change.label} removed`);
      continue;
    }
    const widened = widening(change.before, change.after!);
    if (widened.length > 0 || isWildcard(change.after!)) severe = true;
    notes.push(`${attribute}: statement ${change.label} ${change.kind}${widened.length > 0 ? ` — WIDENED: adds ${widened.join(', ')}` : ''}: ${describeStatement(change.after!)}`);
  }
  return { notes, severe };
}

const isWildcard = (statement: PolicyStatement) =>
  (statement.Effect ?? 'Allow') === 'Allow' && (asList(statement.Action).some((action) => action === '*' || action.endsWith(':*')) || (statement.Principal === '*' && statement.Condition === undefined));

function encryptionOff(change: ResourceChange): string[] {
  const { before, after } = change.change;
  const kind = kindOf(change);
  if (change.type === 'aws_s3_bucket_server_side_encryption_configuration' && kind === 'delete') return ['bucket default encryption removed'];
  if (!before || !after) return [];
  const notes: string[] = [];
  if (change.type === 'aws_dynamodb_table' && first(before.server_side_encryption)?.enabled === true && first(after.server_side_encryption)?.enabled !== true) notes.push('table encryption with a KMS key turned off');
  if ((change.type === 'aws_sns_topic' || change.type === 'aws_sqs_queue') && before.kms_master_key_id && !after.kms_master_key_id) notes.push('KMS encryption turned off (kms_master_key_id removed)');
  if (change.type === 'aws_sqs_queue' && before.sqs_managed_sse_enabled === true && after.sqs_managed_sse_enabled === false && !after.kms_master_key_id) notes.push('queue encryption turned off');
  if (change.type === 'aws_kms_key' && before.enable_key_rotation === true && after.enable_key_rotation === false) notes.push('key rotation turned off');
  if (change.type === 'aws_s3_bucket_server_side_encryption_configuration') {
    const algorithm = (value: Record<string, unknown>) => first(first(value.rule)?.apply_server_side_encryption_by_default)?.sse_algorithm;
    if (algorithm(before) === 'aws:kms' && algorithm(after) !== 'aws:kms') notes.push(`bucket encryption changed from SSE-KMS to ${String(algorithm(after))}`);
  }
  if (change.type === 'aws_cloudwatch_log_group' && before.kms_key_id && !after.kms_key_id) notes.push('log group KMS encryption turned off');
  return notes;
}

export function securityFindings(changes: readonly ResourceChange[]): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  for (const change of changes) {
    const kind = kindOf(change);
    if (kind === 'no-op' || kind === 'read') continue;
    const before = change.change.before ?? {};
    const after = change.change.after ?? {};
    const notes: string[] = [];
    let severe = false;
    const policyAttributes = POLICY_ATTRIBUTES[change.type];
    if (policyAttributes) {
      for (const attribute of policyAttributes) {
        const result = policyNotes(attribute, before[attribute], after[attribute], kind, change.change.after_unknown?.[attribute] === true);
        notes.push(...result.notes);
        severe ||= result.severe;
      }
      if (policyAttributes.length === 0) notes.push(`${change.type.replace(/^aws_/, '')} ${kind === 'create' ? 'added' : kind === 'delete' ? 'removed' : 'changed'}`);
    }
    if (change.type === 'aws_s3_bucket_public_access_block') {
      const opened = PUBLIC_ACCESS_FLAGS.filter((flag) => (kind === 'delete' ? before[flag] === true : after[flag] === false));
      if (opened.length > 0) {
        notes.push(`public access no longer blocked: ${opened.join(', ')}`);
        severe = true;
      } else if (kind !== 'create') notes.push('public access block changed');
    }
    if (SECURITY_GROUP_TYPES.has(change.type)) {
      const cidrs = [after.cidr_ipv4, after.cidr_ipv6, ...asList(after.cidr_blocks as string[] | undefined)].filter(Boolean);
      const open = cidrs.some((cidr) => cidr === '0.0.0.0/0' || cidr === '::/0');
      notes.push(`security group rule ${kind}${open ? ' — OPEN TO THE INTERNET' : ''}`);
      severe ||= open && kind !== 'delete';
    }
    const encryption = encryptionOff(change);
    if (encryption.length > 0) {
      notes.push(...encryption);
      severe = true;
    }
    if (notes.length > 0) findings.push({ address: change.address, kind, notes, severe });
  }
  return findings.sort((a, b) => Number(b.severe) - Number(a.severe));
}
