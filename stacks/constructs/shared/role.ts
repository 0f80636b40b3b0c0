/**
 * An IAM role for one AWS service principal with one inline policy that holds exactly what was
 * granted to it: `grant*` helpers on the resources (storage, table, topics, state machine) add
 * statements naming exact actions and resources, and the policy renders them at synth time in the
 * order they were granted. Lambda functions and the state machine use it; ECS task roles and the
 * EC2 instance profile will too.
 *
 * The role and its policy are created in the owner's scope (ids `role` and `policy`), so their
 * Terraform addresses read `<owner>_role` and `<owner>_policy`.
 */
import type { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { assumeRolePolicy, StatementCollector, type Grantable, type PolicyStatement } from './iam';

export interface ServiceRoleProps {
  /** The role's name (also the grant name in error messages). */
  readonly name: string;
  /** Shown in IAM; say whose role it is. */
  readonly description: string;
  /** The service principal that may assume the role, such as `lambda.amazonaws.com`. */
  readonly service: string;
  /** Conditions on assuming it (`aws:SourceAccount`, `aws:SourceArn`). @default none: any use by the service in any account */
  readonly trustConditions?: PolicyStatement['Condition'];
}

export class ServiceRole implements Grantable {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly grantName: string;
  private readonly statements = new StatementCollector();

  constructor(scope: Construct, props: ServiceRoleProps) {
    this.grantName = props.name;
    this.role = new IamRole(scope, 'role', {
      name: props.name,
      description: props.description,
      assumeRolePolicy: assumeRolePolicy(props.service, props.trustConditions),
    });
    this.policy = new IamRolePolicy(scope, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: this.statements.document(),
    });
  }

  get arn(): string {
    return this.role.arn;
  }

  addToRolePolicy(statement: PolicyStatement): void {
    this.statements.add(statement);
  }

  /** The statements granted so far, normalized. */
  policyStatements(): PolicyStatement[] {
    return this.statements.list();
  }

  /** Writes to one log group's streams. */
  grantWriteLogs(logGroupArn: string): void {
    this.addToRolePolicy({ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroupArn}:*` });
  }

  /** Sends X-Ray traces (an account-level action: it has no resource). */
  grantWriteTraces(): void {
    this.addToRolePolicy({ Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' });
  }
}
