/**
 * What the cost model needs to know about one deployed stack, read from Terraform resources — the
 * synthesized cdk.tf.json and `terraform show -json` plans describe them alike (type, name, values).
 */
import { FUNCTIONS, type FunctionName } from '../../handlers/runtime/manifest';

export interface TerraformResource {
  readonly type: string;
  readonly name: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface Deployment {
  /** Memory of each Lambda entrypoint that exists, in MB. */
  readonly memoryMb: Readonly<Partial<Record<FunctionName, number>>>;
  readonly workflowType: 'STANDARD' | 'EXPRESS';
  readonly emailSubscriptions: number;
  /** Days deleted scratch objects stay as noncurrent versions in the (versioned) processed bucket. */
  readonly noncurrentVersionDays: number;
  /** Whether uploads move to Standard-IA by a lifecycle rule (one transition request each). */
  readonly transitionsToIa: boolean;
  /** Days a job record lives (the table's TTL), for its storage. */
  readonly jobTtlDays: number;
  /** Resources by Terraform type: the fixed monthly lines are priced from these counts. */
  readonly counts: Readonly<Record<string, number>>;
  /** Interface VPC endpoints × their subnets (Availability Zones), billed per AZ-hour. */
  readonly interfaceEndpointAzs: number;
  /** Invocations a month of EventBridge schedules (`rate(…)`), such as the reconciler's sweep. */
  readonly scheduledInvocations: number;
}

const SECONDS = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 } as const;
const SECONDS_PER_MONTH = 730 * 3600;

/** Invocations a month of a `rate(5 minutes)` schedule; 0 for cron expressions, which are not priced. */
export function monthlyInvocations(schedule: unknown): number {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(String(schedule ?? ''));
  return rate ? SECONDS_PER_MONTH / (Number(rate[1]) * SECONDS[rate[2] as keyof typeof SECONDS]) : 0;
}

const items = (value: unknown): Record<string, unknown>[] =>
  (Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : []) as Record<string, unknown>[];

/** The resources of a cdk.tf.json document. */
export function resourcesOfConfiguration(document: { readonly resource?: Record<string, Record<string, Record<string, unknown>>> }): TerraformResource[] {
  return Object.entries(document.resource ?? {}).flatMap(([type, byName]) => Object.entries(byName).map(([name, values]) => ({ type, name, values })));
}

/** The job TTL is not a resource attribute; the job store's default (30 days) is assumed when no function sets JOB_TTL_DAYS. */
const DEFAULT_JOB_TTL_DAYS = 30;

export function describeDeployment(resources: readonly TerraformResource[]): Deployment {
  const memoryMb: Partial<Record<FunctionName, number>> = {};
  const counts: Record<string, number> = {};
  let workflowType: Deployment['workflowType'] = 'STANDARD';
  let emailSubscriptions = 0;
  let noncurrentVersionDays = 0;
  let transitionsToIa = false;
  let jobTtlDays = DEFAULT_JOB_TTL_DAYS;
  let interfaceEndpointAzs = 0;
  let scheduledInvocations = 0;
  for (const { type, values } of resources) {
    counts[type] = (counts[type] ?? 0) + 1;
    if (type === 'aws_lambda_function') {
      const entrypoint = FUNCTIONS.find((name) => String(values.function_name ?? '').endsWith(`-${name}`));
      if (entrypoint) memoryMb[entrypoint] = Number(values.memory_size ?? 128);
      const ttl = items(values.environment).flatMap((environment) => items(environment.variables))[0]?.JOB_TTL_DAYS;
      if (ttl !== undefined) jobTtlDays = Number(ttl);
    } else if (type === 'aws_sfn_state_machine') {
      workflowType = values.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    } else if (type === 'aws_sns_topic_subscription' && values.protocol === 'email') {
      emailSubscriptions += 1;
    } else if (type === 'aws_s3_bucket_lifecycle_configuration') {
      // Scratch lives in the processed bucket; where several rules expire it, S3 applies the earliest.
      const processed = String(values.bucket ?? '').includes('storage_processed_bucket');
      for (const rule of items(values.rule)) {
        const days = items(rule.noncurrent_version_expiration).map((expiration) => Number(expiration.noncurrent_days ?? 0)).filter((value) => value > 0);
        if (processed && days.length > 0) noncurrentVersionDays = noncurrentVersionDays === 0 ? Math.min(...days) : Math.min(noncurrentVersionDays, ...days);
        if (items(rule.transition).some((transition) => transition.storage_class === 'STANDARD_IA')) transitionsToIa = true;
      }
    } else if (type === 'aws_cloudwatch_event_rule') {
      scheduledInvocations += monthlyInvocations(values.schedule_expression);
    } else if (type === 'aws_vpc_endpoint' && values.vpc_endpoint_type === 'Interface') {
      interfaceEndpointAzs += Array.isArray(values.subnet_ids) ? Math.max(1, values.subnet_ids.length) : 1;
    }
  }
  return { memoryMb, workflowType, emailSubscriptions, noncurrentVersionDays, transitionsToIa, jobTtlDays, counts, interfaceEndpointAzs, scheduledInvocations };
}
