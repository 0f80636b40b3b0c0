/**
 * One Lambda function with everything it owns: its code asset, its log group (with retention),
 * its own role ({@link ServiceRole}) whose policy holds exactly what was granted to it, and X-Ray
 * tracing.
 */
import { AssetType, Lazy, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { Grantable, PolicyStatement } from '../shared/iam';
import { metric, type Metric } from '../shared/metric';
import { ServiceRole } from '../shared/role';
import type { APPLICATION_LOG_LEVELS, SYSTEM_LOG_LEVELS } from './log-levels';
import type { LogGroupKey } from '../shared/stack-key';

/** Lambda's Node.js 24 runtime; the bundles target node24. */
export const LAMBDA_RUNTIME = 'nodejs24.x';
/** Graviton: sharp's layer carries linux-arm64 binaries. */
export const LAMBDA_ARCHITECTURE = 'arm64';

/** A zip and its hashes, as built by stacks/packaging. */
export interface FunctionCode {
  /** Absolute path of the zip on this machine; only its copy's relative path reaches the Terraform JSON. */
  readonly path: string;
  readonly sha256Base64: string;
  readonly sha256Hex: string;
  /** @default 'index.handler' */
  readonly handler?: string;
  /**
   * Whether the zip carries its source maps. Only then is `NODE_OPTIONS=--enable-source-maps` set:
   * without a map the flag maps nothing and still makes every stack trace slower to build.
   * @default false (stacks/packaging keeps maps beside the zips, under .build/functions)
   */
  readonly sourceMapInZip?: boolean;
}

export interface PipelineFunctionProps {
  readonly functionName: string;
  /** @default none */
  readonly description?: string;
  readonly code: FunctionCode;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** Instances kept aside from the account's pool, and the most that run at once; 0 reserves none. @default 10 */
  readonly reservedConcurrency?: number;
  /** Variables besides `NODE_OPTIONS=--enable-source-maps`, which a function whose zip carries source maps gets. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Layer version ARNs. @default none */
  readonly layers?: readonly string[];
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** The key that encrypts its log group (its policy then lets CloudWatch Logs use it for that group alone). */
  readonly logKey: LogGroupKey;
  /** The lowest level of the function's own log lines Lambda keeps. @default 'INFO' */
  readonly applicationLogLevel?: (typeof APPLICATION_LOG_LEVELS)[number];
  /** The lowest level of the platform's log lines (start, REPORT…) Lambda keeps. @default 'INFO' */
  readonly systemLogLevel?: (typeof SYSTEM_LOG_LEVELS)[number];
}

export class PipelineFunction extends Construct implements Grantable {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly grantName: string;
  readonly timeoutSeconds: number;
  private readonly variables: Record<string, string>;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.grantName = props.functionName;
    this.timeoutSeconds = props.timeoutSeconds ?? 30;
    this.variables = { ...(props.code.sourceMapInZip ? { NODE_OPTIONS: '--enable-source-maps' } : {}), ...props.environment };

    const asset = new TerraformAsset(this, 'code', { path: props.code.path, type: AssetType.FILE, assetHash: props.code.sha256Hex });

    const logGroupName = `/aws/lambda/${props.functionName}`;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: props.logKey.encryptLogGroup(logGroupName),
    });

    this.role = new ServiceRole(this, {
      name: props.functionName,
      description: `Execution role of the ${props.functionName} function only`,
      service: 'lambda.amazonaws.com',
    });
    this.role.grantWriteLogs(this.logGroup.arn);
    this.role.grantWriteTraces();

    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      ...(props.description ? { description: props.description } : {}),
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: props.code.handler ?? 'index.handler',
      filename: asset.path,
      sourceCodeHash: props.code.sha256Base64,
      memorySize: props.memoryMb ?? 256,
      timeout: this.timeoutSeconds,
      // Lambda's -1 is "no reservation".
      reservedConcurrentExecutions: (props.reservedConcurrency ?? 10) || -1,
      ...(props.layers && props.layers.length > 0 ? { layers: [...props.layers] } : {}),
      environment: {
        variables: Lazy.anyValue({
          produce: () => Object.fromEntries(Object.entries(this.variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        }) as unknown as Record<string, string>,
      },
      tracingConfig: { mode: 'Active' },
      // JSON: the functions' lines are Powertools JSON and EMF already; the levels filter in Lambda, before they are billed.
      loggingConfig: {
        logFormat: 'JSON',
        applicationLogLevel: props.applicationLogLevel ?? 'INFO',
        systemLogLevel: props.systemLogLevel ?? 'INFO',
        logGroup: this.logGroup.name,
      },
      // The log group and the permissions exist before the first invocation.
      dependsOn: [this.logGroup, this.role.policy],
    });
  }

  get functionName(): string {
    return this.function.functionName;
  }

  get arn(): string {
    return this.function.arn;
  }

  addToRolePolicy(statement: PolicyStatement): void {
    this.role.addToRolePolicy(statement);
  }

  /** An AWS/Lambda metric of this function: Errors, Throttles, Invocations, Duration, ConcurrentExecutions… */
  metric(metricName: string, options: { readonly statistic?: string; readonly label?: string } = {}): Metric {
    return metric('AWS/Lambda', metricName, { FunctionName: this.function.functionName }, { ...options, label: options.label ?? `${this.grantName} ${metricName}` });
  }

  /** The statements granted so far (normalized). */
  policyStatements(): PolicyStatement[] {
    return this.role.policyStatements();
  }

  environmentVariables(): Readonly<Record<string, string>> {
    return { ...this.variables };
  }
}
