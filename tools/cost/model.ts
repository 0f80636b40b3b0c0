/**
 * The monthly bill of one stack: fixed lines priced from the resources that exist, variable lines
 * from what one image uses (measured-usage.json) scaled by each function's memory and the images
 * per month. Standard and Express workflows are priced side by side. A new kind of resource (the
 * fleet's load balancer, alarms, endpoints, the worker) adds its line through FIXED_LINES here.
 */
import { FUNCTIONS } from '../../handlers/runtime/manifest';
import type { Deployment } from './deployment';
import { EC2_ON_DEMAND_HOURLY, HOURS_PER_MONTH, PRICES, type PriceName } from './prices';
import type { MeasuredUsage } from './usage';

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthly: number;
  readonly kind: 'fixed' | 'variable';
}

export interface Bill {
  readonly imagesPerMonth: number;
  readonly workflowType: Deployment['workflowType'];
  readonly lines: readonly CostLine[];
  readonly monthly: { readonly fixed: number; readonly variable: number; readonly total: number };
  /** Variable cost of a million images with each workflow type (fixed costs excluded). */
  readonly perMillionImages: { readonly standard: number; readonly express: number };
}

/** What the platform writes per invocation (START, END and REPORT lines with the X-Ray trace id): an estimate, not measured. */
export const LOG_BYTES_PER_INVOCATION = 400;
/** Traces per image: the upload's (start-workflow, invoked asynchronously) and the execution's. Every one recorded: an upper bound. */
export const TRACES_PER_IMAGE = 2;
/**
 * What the API instances log per image, through the logs endpoint: assumed, not measured — the API
 * logs its errors, its start and its stop, not each request, so 1 KB per image is an upper bound.
 */
export const API_LOG_BYTES_PER_IMAGE = 1024;
/** Express bills memory in 64 MB steps; an execution of this pipeline passes pointers only and stays in the first step. */
const EXPRESS_MEMORY_GB = 64 / 1024;
const DAYS_PER_MONTH = 30;
const GB = 1024 ** 3;

const line = (kind: CostLine['kind'], item: string, quantity: number, price: PriceName): CostLine => ({
  item,
  quantity,
  unit: PRICES[price].unit,
  unitPrice: PRICES[price].usd,
  monthly: quantity * PRICES[price].usd,
  kind,
});

/** Fixed monthly lines by Terraform resource type: count × monthly quantity of a price. */
const FIXED_LINES: readonly { readonly type: string; readonly item: string; readonly price: PriceName; readonly perResource: (deployment: Deployment) => number }[] = [
  { type: 'aws_kms_key', item: 'KMS customer managed keys', price: 'kmsKeyMonth', perResource: () => 1 },
  { type: 'aws_cloudwatch_metric_alarm', item: 'CloudWatch alarms', price: 'alarmMonth', perResource: () => 1 },
  { type: 'aws_cloudwatch_dashboard', item: 'CloudWatch dashboards', price: 'dashboardMonth', perResource: () => 1 },
  { type: 'aws_lb', item: 'Application Load Balancer hours', price: 'albHour', perResource: () => HOURS_PER_MONTH },
  { type: 'aws_lb', item: 'ALB capacity (1 LCU at all times, the least billed)', price: 'albLcuHour', perResource: () => HOURS_PER_MONTH },
  { type: 'aws_wafv2_web_acl', item: 'WAF web ACLs', price: 'wafWebAclMonth', perResource: () => 1 },
];

function fixedLines(deployment: Deployment): CostLine[] {
  const lines = FIXED_LINES.flatMap(({ type, item, price, perResource }) => {
    const count = deployment.counts[type] ?? 0;
    return count > 0 ? [line('fixed', `${item} (${count})`, count * perResource(deployment), price)] : [];
  });
  if (deployment.scheduledInvocations > 0) {
    // The sweep's duration is not measured (it queries open jobs, usually none): its requests and reads are priced, its compute is not.
    const invocations = Math.round(deployment.scheduledInvocations);
    lines.push(line('fixed', `Scheduled Lambda invocations (the reconciler’s sweep): ${invocations.toLocaleString('en-US')} a month`, invocations, 'lambdaRequest'));
    lines.push(line('fixed', 'DynamoDB reads of the sweeps (one read unit each, at least)', invocations, 'dynamoReadUnit'));
  }
  if (deployment.wafRules > 0) lines.push(line('fixed', `WAF rules (${deployment.wafRules})`, deployment.wafRules, 'wafRuleMonth'));
  for (const base of deployment.onDemandBases.filter((candidate) => candidate.instances > 0)) {
    // The On-Demand allocation strategy is lowest-price: the base runs on the cheapest type the group may launch.
    const [type, hourly] = base.instanceTypes.map((name) => [name, EC2_ON_DEMAND_HOURLY[name]] as const).filter((entry): entry is readonly [string, number] => entry[1] !== undefined).sort((a, b) => a[1] - b[1])[0] ?? [];
    if (type === undefined || hourly === undefined) throw new Error(`Expected a price for one of the fleet's instance types (${base.instanceTypes.join(', ')}) in EC2_ON_DEMAND_HOURLY (tools/cost/prices.ts), but none has one.`);
    lines.push({ ...line('fixed', `API instances always On-Demand (${base.instances} × ${type} at $${hourly}/h)`, base.instances * HOURS_PER_MONTH, 'ec2OnDemandHour'), unitPrice: hourly, monthly: base.instances * HOURS_PER_MONTH * hourly });
    lines.push(line('fixed', `Their root volumes (${base.instances} × ${base.rootVolumeGb} GB gp3)`, base.instances * base.rootVolumeGb, 'ebsGp3GbMonth'));
    if (base.detailedMonitoring) lines.push(line('fixed', `Their detailed monitoring (${base.instances})`, base.instances, 'ec2DetailedMonitoringMonth'));
  }
  if (deployment.interfaceEndpointAzs > 0) {
    lines.push(line('fixed', `VPC interface endpoints (${deployment.interfaceEndpointAzs} endpoint-AZs)`, deployment.interfaceEndpointAzs * HOURS_PER_MONTH, 'interfaceEndpointAzHour'));
  }
  return lines;
}

/** The workflow's own lines for N images of either type. */
function workflowLines(type: Deployment['workflowType'], usage: MeasuredUsage, images: number): CostLine[] {
  if (type === 'STANDARD') return [line('variable', `Step Functions Standard: ${usage.stateTransitions} state transitions per image`, images * usage.stateTransitions, 'sfnStandardTransition')];
  const billedSeconds = Math.ceil(usage.executionMs / 100) / 10;
  return [
    line('variable', 'Step Functions Express: one request per image', images, 'sfnExpressRequest'),
    line('variable', `Step Functions Express: ${billedSeconds} s × 64 MB per image`, images * billedSeconds * EXPRESS_MEMORY_GB, 'sfnExpressGbSecond'),
  ];
}

function variableLines(deployment: Deployment, usage: MeasuredUsage, images: number): CostLine[] {
  const lines: CostLine[] = [];
  const invoked = FUNCTIONS.filter((name) => usage.durationsMs[name] !== undefined && deployment.memoryMb[name] !== undefined);
  for (const name of invoked) {
    const memory = deployment.memoryMb[name]!;
    const ms = usage.durationsMs[name]!;
    lines.push(line('variable', `Lambda ${name}: ${ms} ms × ${memory} MB per image`, (images * ms * memory) / 1000 / 1024, 'lambdaArmGbSecond'));
  }
  lines.push(line('variable', `Lambda requests: ${invoked.length} invocations per image`, images * invoked.length, 'lambdaRequest'));
  lines.push(...workflowLines(deployment.workflowType, usage, images));
  lines.push(line('variable', `S3 PUT/POST/LIST requests: ${usage.s3Writes} per image`, images * usage.s3Writes, 's3WriteRequest'));
  lines.push(line('variable', `S3 GET requests: ${usage.s3Reads} per image`, images * usage.s3Reads, 's3ReadRequest'));
  lines.push(line('variable', 'S3 Standard: the month’s uploads and outputs, for their first month', (images * (usage.uploadBytes + usage.outputBytes)) / GB, 's3StandardGbMonth'));
  if (deployment.noncurrentVersionDays > 0) {
    // The buckets are versioned: deleted scratch objects stay as noncurrent versions until they expire.
    const months = deployment.noncurrentVersionDays / DAYS_PER_MONTH;
    lines.push(line('variable', `S3 Standard: scratch objects kept ${deployment.noncurrentVersionDays} day${deployment.noncurrentVersionDays === 1 ? '' : 's'} as noncurrent versions`, (images * usage.workBytes * months) / GB, 's3StandardGbMonth'));
  }
  if (deployment.transitionsToIa) lines.push(line('variable', 'S3 lifecycle transitions of uploads to Standard-IA', images, 's3TransitionRequest'));
  lines.push(line('variable', `DynamoDB writes: ${usage.dynamoWriteUnits} write units per image`, images * usage.dynamoWriteUnits, 'dynamoWriteUnit'));
  if (usage.dynamoReadUnits > 0) lines.push(line('variable', `DynamoDB reads: ${usage.dynamoReadUnits} read units per image`, images * usage.dynamoReadUnits, 'dynamoReadUnit'));
  const recordMonths = (images * usage.jobRecordBytes * (deployment.jobTtlDays / DAYS_PER_MONTH)) / GB;
  lines.push(line('variable', `DynamoDB storage: job records kept ${deployment.jobTtlDays} days`, recordMonths, 'dynamoGbMonth'));
  lines.push(line('variable', 'DynamoDB point-in-time recovery of the job records', recordMonths, 'dynamoPitrGbMonth'));
  lines.push(line('variable', `SNS publishes: ${usage.snsPublishes} per image`, images * usage.snsPublishes, 'snsPublish'));
  if (deployment.emailSubscriptions > 0) lines.push(line('variable', 'SNS e-mail deliveries (one per image to its topic’s address)', images, 'snsEmail'));
  lines.push(line('variable', `CloudWatch Logs: ~${LOG_BYTES_PER_INVOCATION} bytes per invocation (estimate)`, (images * invoked.length * LOG_BYTES_PER_INVOCATION) / GB, 'logsIngestedGb'));
  lines.push(line('variable', `X-Ray: ${TRACES_PER_IMAGE} traces per image (all recorded: upper bound)`, images * TRACES_PER_IMAGE, 'xrayTrace'));
  if (deployment.onDemandBases.length > 0) {
    const apiLogGb = (images * API_LOG_BYTES_PER_IMAGE) / GB;
    lines.push(line('variable', `CloudWatch Logs: the API’s lines, ~${API_LOG_BYTES_PER_IMAGE} bytes per image (assumed upper bound)`, apiLogGb, 'logsIngestedGb'));
    if (deployment.interfaceEndpointAzs > 0) lines.push(line('variable', 'VPC interface endpoint data processing of the API’s lines', apiLogGb, 'interfaceEndpointGb'));
  }
  return lines;
}

const sum = (lines: readonly CostLine[]) => lines.reduce((total, entry) => total + entry.monthly, 0);

export function monthlyBill(deployment: Deployment, usage: MeasuredUsage, imagesPerMonth: number): Bill {
  const fixed = fixedLines(deployment);
  const variable = variableLines(deployment, usage, imagesPerMonth);
  const perMillion = (type: Deployment['workflowType']) => sum(variableLines({ ...deployment, workflowType: type }, usage, 1e6));
  return {
    imagesPerMonth,
    workflowType: deployment.workflowType,
    lines: [...fixed, ...variable],
    monthly: { fixed: sum(fixed), variable: sum(variable), total: sum(fixed) + sum(variable) },
    perMillionImages: { standard: perMillion('STANDARD'), express: perMillion('EXPRESS') },
  };
}
