/**
 * Every price the cost model uses, in one table: AWS's published on-demand list prices for
 * us-east-1 (US East, N. Virginia), without free tiers or discounts, as they stood on PRICES_AS_OF.
 * They were NOT fetched when this file was written (no internet on the development machines): they
 * are the well-known published figures, copied by hand from the pages named in `source`. Check
 * them there before relying on a figure, and update this table and PRICES_AS_OF together.
 */

export const PRICES_AS_OF = '2025-06';
export const PRICE_REGION = 'us-east-1';

export interface Price {
  readonly usd: number;
  /** What one `usd` buys. */
  readonly unit: string;
  readonly source: string;
}

const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const SFN = 'https://aws.amazon.com/step-functions/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const SNS = 'https://aws.amazon.com/sns/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/';
const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const EBS = 'https://aws.amazon.com/ebs/pricing/';
const WAF = 'https://aws.amazon.com/waf/pricing/';

export const PRICES = {
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second of Lambda arm64 duration', source: LAMBDA },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'Lambda request', source: LAMBDA },
  sfnStandardTransition: { usd: 0.025 / 1000, unit: 'Standard workflow state transition', source: SFN },
  sfnExpressRequest: { usd: 1 / 1e6, unit: 'Express workflow request', source: SFN },
  sfnExpressGbSecond: { usd: 0.00001667, unit: 'GB-second of Express workflow duration (64 MB steps, 100 ms steps)', source: SFN },
  s3StandardGbMonth: { usd: 0.023, unit: 'GB-month of S3 Standard', source: S3 },
  s3StandardIaGbMonth: { usd: 0.0125, unit: 'GB-month of S3 Standard-IA', source: S3 },
  s3WriteRequest: { usd: 0.005 / 1000, unit: 'S3 PUT, COPY, POST or LIST request', source: S3 },
  s3ReadRequest: { usd: 0.0004 / 1000, unit: 'S3 GET or other request', source: S3 },
  s3TransitionRequest: { usd: 0.01 / 1000, unit: 'S3 lifecycle transition to Standard-IA', source: S3 },
  dynamoWriteUnit: { usd: 0.625 / 1e6, unit: 'DynamoDB on-demand write request unit', source: DYNAMODB },
  dynamoReadUnit: { usd: 0.125 / 1e6, unit: 'DynamoDB on-demand read request unit', source: DYNAMODB },
  dynamoGbMonth: { usd: 0.25, unit: 'GB-month of DynamoDB Standard storage', source: DYNAMODB },
  dynamoPitrGbMonth: { usd: 0.2, unit: 'GB-month of DynamoDB point-in-time recovery', source: DYNAMODB },
  snsPublish: { usd: 0.5 / 1e6, unit: 'SNS publish (64 KB)', source: SNS },
  snsEmail: { usd: 2 / 100_000, unit: 'SNS e-mail delivery', source: SNS },
  kmsKeyMonth: { usd: 1, unit: 'KMS customer managed key-month', source: KMS },
  logsIngestedGb: { usd: 0.5, unit: 'GB of CloudWatch Logs ingested', source: CLOUDWATCH },
  xrayTrace: { usd: 5 / 1e6, unit: 'X-Ray trace recorded', source: XRAY },
  alarmMonth: { usd: 0.1, unit: 'CloudWatch standard-resolution alarm-month', source: CLOUDWATCH },
  dashboardMonth: { usd: 3, unit: 'CloudWatch dashboard-month', source: CLOUDWATCH },
  albHour: { usd: 0.0225, unit: 'Application Load Balancer-hour', source: ELB },
  albLcuHour: { usd: 0.008, unit: 'ALB LCU-hour', source: ELB },
  interfaceEndpointAzHour: { usd: 0.01, unit: 'VPC interface endpoint-hour per Availability Zone', source: PRIVATELINK },
  interfaceEndpointGb: { usd: 0.01, unit: 'GB processed by VPC interface endpoints (the first PB of the month)', source: PRIVATELINK },
  ec2OnDemandHour: { usd: 1, unit: 'On-Demand instance-hour (the price is per type: EC2_ON_DEMAND_HOURLY)', source: EC2 },
  ebsGp3GbMonth: { usd: 0.08, unit: 'GB-month of EBS gp3', source: EBS },
  ec2DetailedMonitoringMonth: { usd: 7 * 0.3, unit: 'instance-month of EC2 detailed monitoring (7 metrics at $0.30)', source: CLOUDWATCH },
  wafWebAclMonth: { usd: 5, unit: 'WAF web ACL-month', source: WAF },
  wafRuleMonth: { usd: 1, unit: 'WAF rule-month (a managed rule group counts as one)', source: WAF },
} as const satisfies Record<string, Price>;

/** Linux On-Demand prices per hour of the arm64 types the fleet may launch. */
export const EC2_ON_DEMAND_HOURLY: Readonly<Record<string, number>> = {
  't4g.small': 0.0168,
  't4g.medium': 0.0336,
  'c7g.medium': 0.0363,
  'm6g.medium': 0.0385,
  'm7g.medium': 0.0408,
};

export type PriceName = keyof typeof PRICES;

/** Hours in the month AWS bills by (730 = 8,760 / 12). */
export const HOURS_PER_MONTH = 730;
