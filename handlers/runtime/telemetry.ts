/**
 * Structured logs and business metrics for every entrypoint, on AWS Lambda Powertools: one JSON
 * logger whose lines carry the function, the request id, cold start and the job id; metrics
 * written as CloudWatch embedded metric format (EMF) lines, which alarms and the dashboard read
 * with no PutMetricData call. Each invocation gets its own child logger and publishes each metric
 * on its own, so invocations sharing a process (the local runner) never mix their keys or metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from './metrics';

export type BusinessMetric = (typeof BUSINESS_METRICS)[keyof typeof BUSINESS_METRICS];

export interface Telemetry {
  readonly logger: Logger;
  /** Publishes one datapoint of a business metric, with its own dimensions (besides `service`). */
  metric(name: BusinessMetric, value: number, unit: 'Count' | 'Bytes' | 'Milliseconds', dimensions?: Readonly<Record<string, string>>): void;
}

// Built on first use: the service name and log level come from the environment, which the local
// runner sets only after it has loaded the handler modules.
let root: { readonly logger: Logger; readonly metrics: Metrics } | undefined;

function roots() {
  root ??= { logger: new Logger(), metrics: new Metrics({ namespace: METRICS_NAMESPACE }) };
  return root;
}

const UNITS = { Count: MetricUnit.Count, Bytes: MetricUnit.Bytes, Milliseconds: MetricUnit.Milliseconds } as const;

const invoked = new Set<string>();

/**
 * The Lambda context as Powertools' `addContext` would log it. Written here because the logger is
 * a new child per invocation, and a child counts its own first use as the cold start: the
 * process's first invocation of the entrypoint is (one process hosts one function on Lambda).
 */
function contextKeys(entrypoint: string, context: Context | undefined): Record<string, unknown> {
  if (!context) return {};
  const coldStart = !invoked.has(entrypoint);
  invoked.add(entrypoint);
  return {
    cold_start: coldStart,
    function_name: context.functionName,
    function_arn: context.invokedFunctionArn,
    function_memory_size: Number(context.memoryLimitInMB),
    function_request_id: context.awsRequestId,
  };
}

/** The invocation's telemetry: `keys` (the job id…) join every line it logs. */
export function invocationTelemetry(entrypoint: string, context: Context | undefined, keys: Readonly<Record<string, unknown>>): Telemetry {
  const { logger: parent, metrics } = roots();
  const logger = parent.createChild({ persistentKeys: { function: entrypoint, ...contextKeys(entrypoint, context), ...keys } });
  return {
    logger,
    metric(name, value, unit, dimensions = {}) {
      const single = metrics.singleMetric();
      if (Object.keys(dimensions).length > 0) single.addDimensions({ ...dimensions });
      single.addMetric(name, UNITS[unit], value);
    },
  };
}
