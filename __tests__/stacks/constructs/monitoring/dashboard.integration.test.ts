/** The dashboard shows only metrics that exist: AWS metrics of resources in the stack, and the business metrics the code publishes. */
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../../../handlers/runtime/metrics';
import { resources, synthJson, testStack, type TerraformJson } from '../../support';

let json: TerraformJson;
beforeAll(async () => {
  json = synthJson(await testStack());
});

function widgets(): { properties: { title: string; metrics: unknown[][] } }[] {
  const [dashboard] = Object.values(resources(json, 'aws_cloudwatch_dashboard'));
  return JSON.parse(dashboard.dashboard_body as string).widgets;
}

describe('the dashboard', () => {
  it('has one widget per question an operator asks, laid out on a grid', () => {
    expect(widgets().map((widget) => widget.properties.title)).toEqual([
      'Images per minute: succeeded, and failed by code',
      'Executions',
      'Time per state, p50 and p99 (ms)',
      'Lambda concurrency (max)',
      'Lambda errors and throttles',
      'Dead-letter queues: messages waiting',
      'Bytes in and out',
      'Cost drivers: state transitions and Lambda GB-seconds per minute',
      'API instances in service: On-Demand and Spot (by the mixed instances policy)',
      "API instances' average CPU (%) against the 75% scaling target",
      'Load balancer: requests and 5xx per minute, and the errors the API logged',
      'API response time, p50 and p99 (s), and unhealthy instances',
      'CloudFront: viewer 5xx error rate (%)',
      'Worker queues: messages waiting and in dead-letter queues',
      'Worker queues: age of the oldest message (s)',
      'Worker tasks, and Fargate vCPUs On-Demand vs Spot',
      'Worker CPU and memory (% of the task size)',
    ]);
  });

  it('graphs only metrics that exist, and expressions only over ids it defines', () => {
    const references = new Set(
      Object.entries(json.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).flatMap((id) => ['name', 'function_name', 'arn', 'arn_suffix', 'id'].map((attribute) => `\${${type}.${id}.${attribute}}`))),
    );
    // The code's EMF metrics, and those the stack's metric filters make of log lines.
    const businessNames: string[] = [...Object.values(BUSINESS_METRICS), ...Object.values(resources(json, 'aws_cloudwatch_log_metric_filter')).map((filter) => filter.metric_transformation.name)];
    for (const widget of widgets()) {
      const ids = new Set<string>();
      for (const entry of widget.properties.metrics) {
        const options = entry.at(-1) as { id?: string; expression?: string };
        if (options.id) ids.add(options.id);
        if (typeof entry[0] !== 'string') continue;
        const [namespace, metricName, ...rest] = entry as string[];
        const dimensionValues = rest.slice(0, -1).filter((_, index) => index % 2 === 1);
        if (namespace === 'AWS/Usage') {
          // The account's Fargate usage: fixed dimensions, no resource of the stack.
          expect(rest.slice(0, -1)).toEqual(['Service', 'Fargate', 'Type', 'Resource', 'Resource', 'vCPU', 'Class', expect.stringMatching(/^Standard\/(OnDemand|Spot)$/)]);
        } else if (namespace === METRICS_NAMESPACE) {
          expect([widget.properties.title, businessNames]).toEqual([widget.properties.title, expect.arrayContaining([metricName])]);
        } else {
          // CloudFront's metrics carry the constant Region=Global beside the distribution's id.
          for (const value of dimensionValues.filter((candidate) => !(namespace === 'AWS/CloudFront' && candidate === 'Global'))) expect([metricName, references.has(value)]).toEqual([metricName, true]);
        }
      }
      for (const entry of widget.properties.metrics) {
        const options = entry[0] as { expression?: string };
        if (typeof options !== 'object' || !options.expression || options.expression.startsWith('SEARCH')) continue;
        const used = options.expression.match(/\b[a-z][A-Za-z0-9]*\b/g) ?? [];
        for (const id of used) expect([options.expression, ids.has(id)]).toEqual([options.expression, true]);
      }
    }
  });

  it('splits the fleet’s instances into On-Demand and Spot by its policy, and draws the CPU target', () => {
    const instances = widgets().find((widget) => widget.properties.title.startsWith('API instances in service'))!;
    expect(instances.properties.metrics).toContainEqual([{ expression: 'IF(inService > 1, 1 + (inService - 1) * 0 / 100, inService)', label: 'On-Demand', id: 'onDemand' }]);
    expect(instances.properties.metrics).toContainEqual([{ expression: 'inService - onDemand', label: 'Spot', id: 'spot' }]);
    const cpu = widgets().find((widget) => widget.properties.title.includes('average CPU'))! as unknown as { properties: { annotations: unknown; metrics: unknown[][] } };
    expect(cpu.properties.annotations).toEqual({ horizontal: [{ label: 'target tracking', value: 75 }] });
    expect(cpu.properties.metrics[0]!.slice(0, 2)).toEqual(['AWS/EC2', 'CPUUtilization']);
  });

  it('prices state transitions from the states a successful execution enters (8, ChooseProcessor among them)', () => {
    const cost = widgets().find((widget) => widget.properties.title.startsWith('Cost drivers'))!;
    expect(cost.properties.metrics).toContainEqual([expect.objectContaining({ expression: 'started * 8' })]);
  });
});
