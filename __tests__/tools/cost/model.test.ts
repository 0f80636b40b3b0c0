import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TASK_ENTRYPOINTS } from '../../../handlers/runtime/manifest';
import { monthlyInvocations, type Deployment } from '../../../tools/cost/deployment';
import { API_LOG_BYTES_PER_IMAGE, monthlyBill, type CostLine } from '../../../tools/cost/model';
import { PRICES } from '../../../tools/cost/prices';
import { billJson } from '../../../tools/cost/render';
import { loadMeasuredUsage, type MeasuredUsage } from '../../../tools/cost/usage';
import { ROOT } from '../../stacks/support';

const usage: MeasuredUsage = {
  measuredOn: '2026-01-01',
  how: 'a test',
  images: 1,
  path: 'success',
  durationsMs: { 'start-workflow': 10, validate: 100, optimize: 500 },
  executionMs: 1234,
  stateTransitions: 7,
  s3Writes: 10,
  s3Reads: 5,
  uploadBytes: 1024 ** 2,
  workBytes: 10 * 1024 ** 2,
  outputBytes: 1024 ** 2,
  dynamoWriteUnits: 8,
  dynamoReadUnits: 0,
  jobRecordBytes: 3000,
  snsPublishes: 1,
};

const deployment: Deployment = {
  memoryMb: { 'start-workflow': 256, validate: 2048, optimize: 3008 },
  workflowType: 'STANDARD',
  emailSubscriptions: 0,
  noncurrentVersionDays: 30,
  transitionsToIa: true,
  jobTtlDays: 30,
  counts: { aws_kms_key: 1 },
  interfaceEndpointAzs: 0,
  scheduledInvocations: 0,
  onDemandBases: [],
  wafRules: 0,
};

const lineOf = (lines: readonly CostLine[], start: string) => lines.find((entry) => entry.item.startsWith(start));

describe('the fleet’s fixed lines', () => {
  it('price the On-Demand base on the cheapest type the group may launch, its volume and monitoring, the web ACL and its rules', () => {
    const fleet = monthlyBill(
      { ...deployment, counts: { aws_wafv2_web_acl: 1 }, wafRules: 4, onDemandBases: [{ instances: 1, instanceTypes: ['m7g.medium', 't4g.small', 'c7g.medium'], rootVolumeGb: 8, detailedMonitoring: true }] },
      usage,
      0,
    );
    expect(lineOf(fleet.lines, 'API instances always On-Demand')).toMatchObject({ item: 'API instances always On-Demand (1 × t4g.small at $0.0168/h)', quantity: 730, monthly: 730 * 0.0168 });
    expect(lineOf(fleet.lines, 'Their root volumes')!.monthly).toBeCloseTo(0.64);
    expect(lineOf(fleet.lines, 'Their detailed monitoring')!.monthly).toBeCloseTo(2.1);
    expect(lineOf(fleet.lines, 'WAF web ACLs')!.monthly).toBe(5);
    expect(lineOf(fleet.lines, 'WAF rules')!.monthly).toBe(4);
  });
});

describe('the fleet’s variable lines', () => {
  const base = { instances: 1, instanceTypes: ['t4g.small'], rootVolumeGb: 8, detailedMonitoring: true };

  it('price the API’s log lines as ingested, and once more as processed by the logs endpoint when there is one', () => {
    const gb = (1e6 * API_LOG_BYTES_PER_IMAGE) / 1024 ** 3;
    const withEndpoints = monthlyBill({ ...deployment, onDemandBases: [base], interfaceEndpointAzs: 4 }, usage, 1e6);
    expect(lineOf(withEndpoints.lines, 'CloudWatch Logs: the API’s lines')).toMatchObject({ quantity: gb, unitPrice: PRICES.logsIngestedGb.usd, kind: 'variable' });
    expect(lineOf(withEndpoints.lines, 'VPC interface endpoint data processing')).toMatchObject({ quantity: gb, unitPrice: PRICES.interfaceEndpointGb.usd, kind: 'variable' });
    const throughNat = monthlyBill({ ...deployment, onDemandBases: [base] }, usage, 1e6);
    expect(lineOf(throughNat.lines, 'CloudWatch Logs: the API’s lines')).toBeDefined();
    expect(lineOf(throughNat.lines, 'VPC interface endpoint data processing')).toBeUndefined();
    expect(lineOf(monthlyBill(deployment, usage, 1e6).lines, 'CloudWatch Logs: the API’s lines')).toBeUndefined();
  });
});

describe('the cost model', () => {
  const bill = monthlyBill(deployment, usage, 1_000_000);

  it('prices Lambda as measured duration × configured memory, per function', () => {
    expect(lineOf(bill.lines, 'Lambda optimize')).toMatchObject({ quantity: (1e6 * 500 * 3008) / 1000 / 1024, unitPrice: PRICES.lambdaArmGbSecond.usd });
    expect(lineOf(bill.lines, 'Lambda requests')).toMatchObject({ quantity: 3e6 });
    const doubled = monthlyBill({ ...deployment, memoryMb: { ...deployment.memoryMb, optimize: 6016 } }, usage, 1e6);
    expect(lineOf(doubled.lines, 'Lambda optimize')!.monthly).toBeCloseTo(2 * lineOf(bill.lines, 'Lambda optimize')!.monthly, 9);
  });

  it('prices a Standard workflow by transitions and an Express one by requests and 64 MB × billed 100 ms steps', () => {
    expect(lineOf(bill.lines, 'Step Functions Standard')).toMatchObject({ quantity: 7e6, monthly: 7e6 * 0.000025 });
    const express = monthlyBill({ ...deployment, workflowType: 'EXPRESS' }, usage, 1e6);
    expect(lineOf(express.lines, 'Step Functions Standard')).toBeUndefined();
    expect(lineOf(express.lines, 'Step Functions Express: 1.3 s')).toMatchObject({ quantity: 1e6 * 1.3 * (64 / 1024) });
    expect(express.perMillionImages).toEqual(bill.perMillionImages);
    expect(bill.perMillionImages.standard - bill.perMillionImages.express).toBeCloseTo(175 - (1 + 1.3 * (64 / 1024) * 1e6 * PRICES.sfnExpressGbSecond.usd), 6);
  });

  it('adds up: totals are the sums of the lines, and a million images cost the variable total at 1,000,000 a month', () => {
    const sum = (kind: string) => bill.lines.filter((entry) => entry.kind === kind).reduce((total, entry) => total + entry.monthly, 0);
    expect(bill.monthly.fixed).toBeCloseTo(sum('fixed'), 9);
    expect(bill.monthly.variable).toBeCloseTo(sum('variable'), 9);
    expect(bill.monthly.total).toBeCloseTo(bill.monthly.fixed + bill.monthly.variable, 9);
    expect(bill.perMillionImages.standard).toBeCloseTo(bill.monthly.variable, 9);
    expect(monthlyBill(deployment, usage, 2_000_000).monthly.variable).toBeCloseTo(2 * bill.monthly.variable, 6);
  });

  it('keeps scratch objects for the noncurrent-version days, and drops the line when versions are not kept', () => {
    expect(lineOf(bill.lines, 'S3 Standard: scratch objects kept 30 days')).toMatchObject({ quantity: (1e6 * 10) / 1024 });
    expect(lineOf(monthlyBill({ ...deployment, noncurrentVersionDays: 0 }, usage, 1e6).lines, 'S3 Standard: scratch')).toBeUndefined();
  });

  it('slots in fixed lines for resources as they appear: alarms, dashboards, load balancers, endpoints, e-mail', () => {
    const grown = monthlyBill(
      { ...deployment, emailSubscriptions: 1, counts: { aws_kms_key: 2, aws_cloudwatch_metric_alarm: 4, aws_cloudwatch_dashboard: 1, aws_lb: 1 }, interfaceEndpointAzs: 2, scheduledInvocations: 8760 },
      usage,
      1e6,
    );
    const fixed = Object.fromEntries(grown.lines.filter((entry) => entry.kind === 'fixed').map((entry) => [entry.item, entry.monthly]));
    expect(fixed).toEqual({
      'KMS customer managed keys (2)': 2,
      'CloudWatch alarms (4)': expect.closeTo(0.4, 9),
      'CloudWatch dashboards (1)': 3,
      'Application Load Balancer hours (1)': expect.closeTo(730 * 0.0225, 9),
      'ALB capacity (1 LCU at all times, the least billed) (1)': expect.closeTo(730 * 0.008, 9),
      'VPC interface endpoints (2 endpoint-AZs)': expect.closeTo(2 * 730 * 0.01, 9),
      'Scheduled Lambda invocations (the reconciler’s sweep): 8,760 a month': expect.closeTo(8760 * 0.2e-6, 12),
      'DynamoDB reads of the sweeps (one read unit each, at least)': expect.closeTo(8760 * 0.125e-6, 12),
    });
    expect(lineOf(grown.lines, 'SNS e-mail')).toMatchObject({ quantity: 1e6 });
  });

  it('counts a month of rate() schedules', () => {
    expect(monthlyInvocations('rate(5 minutes)')).toBe(8760);
    expect(monthlyInvocations('rate(1 hour)')).toBe(730);
    expect(monthlyInvocations('cron(0 12 * * ? *)')).toBe(0);
  });

  it('prints the JSON the issue specifies', () => {
    const json = billJson('dev', bill);
    expect(Object.keys(json)).toEqual(['stage', 'imagesPerMonth', 'monthly', 'perMillionImages', 'lines']);
    expect(Object.keys(json.monthly)).toEqual(['fixed', 'variable', 'total']);
    expect(Object.keys(json.perMillionImages)).toEqual(['standard', 'express']);
    expect(Object.keys(json.lines[0]!)).toEqual(['item', 'quantity', 'unitPrice', 'monthly']);
  });
});

describe('measured-usage.json', () => {
  const measured = loadMeasuredUsage();

  it('has a duration for every function on the success path', () => {
    const onSuccessPath = ['start-workflow', ...TASK_ENTRYPOINTS.filter((name) => name !== 'notify-error')];
    expect(Object.keys(measured.durationsMs).sort()).toEqual(onSuccessPath.sort());
    for (const ms of Object.values(measured.durationsMs)) expect(ms).toBeGreaterThan(0);
  });

  it('counts as many transitions as the state machine definition has states on its success path', () => {
    const definition = JSON.parse(readFileSync(join(ROOT, 'asl', 'image-pipeline.asl.json'), 'utf8')) as Machine;
    expect(measured.stateTransitions).toBe(statesOnSuccessPath(definition));
  });
});

interface Machine {
  StartAt: string;
  States: Record<string, { Type: string; Next?: string; End?: boolean; Choices?: { Next: string }[]; Branches?: Machine[] }>;
}

/** States entered when every Choice takes its first rule (the valid image) and nothing fails. */
function statesOnSuccessPath(machine: Machine): number {
  let count = 0;
  for (let name: string | undefined = machine.StartAt; name; ) {
    const state: Machine['States'][string] = machine.States[name]!;
    count += 1 + (state.Branches ?? []).reduce((sum, branch) => sum + statesOnSuccessPath(branch), 0);
    name = state.Type === 'Choice' ? state.Choices![0]!.Next : state.End ? undefined : state.Next;
  }
  return count;
}
