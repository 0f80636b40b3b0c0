/**
 * IAM policy documents as plain, indented JSON: what a reviewer reads in the plan is the policy
 * itself, with Terraform references (`${aws_s3_bucket.raw.arn}`) where ARNs are not yet known.
 */
import { Lazy } from 'cdktf';

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/**
 * The actions that only accept `"Resource": "*"` because they have no resource-level permissions.
 * The policy suite allows `*` for these and for nothing else.
 */
export const RESOURCE_STAR_ACTIONS: readonly string[] = Object.freeze([
  // X-Ray: traces are written for the account, not for a resource.
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
  // CloudWatch Logs vended delivery, which Step Functions uses to write execution logs.
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
  // ECR: the registry's login token is for the account; the pull itself is per repository.
  'ecr:GetAuthorizationToken',
  // Step Functions task responses: the task token names the task, IAM names no resource.
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
  'states:SendTaskSuccess',
]);

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();

/** Sorts and deduplicates actions and resources (a single value stays a string) so documents are stable. */
export function normalizeStatement(statement: PolicyStatement): PolicyStatement {
  const actions = sortedUnique(typeof statement.Action === 'string' ? [statement.Action] : statement.Action);
  const resources = typeof statement.Resource === 'string' ? [statement.Resource] : [...new Set(statement.Resource)];
  return {
    ...(statement.Sid ? { Sid: statement.Sid } : {}),
    Effect: statement.Effect,
    ...(statement.Principal ? { Principal: statement.Principal } : {}),
    Action: actions.length === 1 ? actions[0]! : actions,
    Resource: resources.length === 1 ? resources[0]! : resources,
    ...(statement.Condition ? { Condition: statement.Condition } : {}),
  };
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements.map(normalizeStatement) };
  return JSON.stringify(document, null, 2);
}

/** A trust policy letting one AWS service assume the role, optionally only on behalf of this account and resource. */
export function assumeRolePolicy(service: string, conditions?: PolicyStatement['Condition']): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(conditions ? { Condition: conditions } : {}) },
      ],
    },
    null,
    2,
  );
}

/** Something whose role can be granted permissions (a function, a state machine). */
export interface Grantable {
  /** A short name for statement ids and error messages. */
  readonly grantName: string;
  addToRolePolicy(statement: PolicyStatement): void;
}

/**
 * A role policy that collects statements from `grant*` helpers (each with its own Sid) and renders
 * them at synth time, in the order they were granted.
 */
export class StatementCollector {
  private readonly statements: PolicyStatement[] = [];

  add(statement: PolicyStatement): void {
    if (statement.Sid && this.statements.some((existing) => existing.Sid === statement.Sid)) {
      throw new Error(`Expected unique statement ids in a policy, but ${statement.Sid} was granted twice.`);
    }
    if (statement.Sid && !/^[A-Za-z0-9]+$/.test(statement.Sid)) {
      throw new Error(`Expected a statement id of letters and digits, but received ${JSON.stringify(statement.Sid)}.`);
    }
    this.statements.push(statement);
  }

  get size(): number {
    return this.statements.length;
  }

  /** The current statements, normalized (for tests and validation). */
  list(): PolicyStatement[] {
    return this.statements.map(normalizeStatement);
  }

  /** A token resolving to the policy JSON once every grant has been made. */
  document(): string {
    return Lazy.stringValue({ produce: () => policyDocument(this.statements) });
  }
}
