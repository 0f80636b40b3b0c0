/**
 * The per-state summary of a local run — count, p50 and p99 of StateDuration — read from the EMF
 * metrics the functions wrote, the same datapoints the dashboard's "time per state" widget reads.
 */
import { DEFAULT_WORKER_ROUTE, pipelineDefinition } from '../asl/definition';
import { measuredTaskStates } from '../asl/paths';
import { BUSINESS_METRICS, METRICS_NAMESPACE, STEP_DIMENSION } from '../handlers/runtime/metrics';
import { percentile, type MetricDatum } from './emf';

export interface StateSummary {
  /** Attempts measured (a retried state counts each attempt). */
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Each Task state's step (the entrypoint it runs), in the definition's order. */
const STATE_OF_STEP = new Map(measuredTaskStates(pipelineDefinition((entrypoint) => entrypoint, DEFAULT_WORKER_ROUTE)).map(({ state, resource }) => [resource, state]));

export function summariseStates(data: readonly MetricDatum[]): Readonly<Record<string, StateSummary>> {
  const durations = new Map<string, number[]>();
  for (const datum of data) {
    if (datum.namespace !== METRICS_NAMESPACE || datum.name !== BUSINESS_METRICS.stateDuration) continue;
    const step = datum.dimensions[STEP_DIMENSION];
    const state = step === undefined ? undefined : STATE_OF_STEP.get(step);
    if (state === undefined) continue;
    durations.set(state, [...(durations.get(state) ?? []), datum.value]);
  }
  const summary: Record<string, StateSummary> = {};
  for (const state of STATE_OF_STEP.values()) {
    const values = durations.get(state);
    if (values) summary[state] = { count: values.length, p50Ms: Math.round(percentile(values, 50)), p99Ms: Math.round(percentile(values, 99)) };
  }
  return summary;
}

/** The closing lines of `npm start`: one per state measured. */
export function formatStateSummary(states: Readonly<Record<string, StateSummary>>): string[] {
  const entries = Object.entries(states);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([state]) => state.length));
  return ['Time per state (from the functions\' metrics):', ...entries.map(([state, { count, p50Ms, p99Ms }]) => `  ${state.padEnd(width)}  p50 ${p50Ms} ms  p99 ${p99Ms} ms  (${count} run${count === 1 ? '' : 's'})`)];
}
