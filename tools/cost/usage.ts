/** What one image uses, as measured by tools/cost/measure.ts and stored in measured-usage.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS, type FunctionName } from '../../handlers/runtime/manifest';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';

export interface MeasuredUsage {
  /** The day of the measurement (YYYY-MM-DD). */
  readonly measuredOn: string;
  /** How it was measured: command, inputs, machine. */
  readonly how: string;
  readonly images: number;
  /** The path through the state machine the images took. */
  readonly path: 'success';
  /** Mean duration of each Lambda entrypoint per image, in ms. */
  readonly durationsMs: Readonly<Partial<Record<FunctionName, number>>>;
  /** Mean duration of an execution, start to stop, in ms (what Express bills). */
  readonly executionMs: number;
  /** States entered per image, retries included: Standard workflows bill each as a transition. */
  readonly stateTransitions: number;
  readonly s3Writes: number;
  readonly s3Reads: number;
  readonly uploadBytes: number;
  /** Scratch bytes (working images, intermediates) written under the work prefix. */
  readonly workBytes: number;
  readonly outputBytes: number;
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  readonly jobRecordBytes: number;
  readonly snsPublishes: number;
}

/** Task state name → entrypoint, from the state machine definition's `${<Name>FunctionArn}` resources. */
export function stateEntrypoints(): Record<string, FunctionName> {
  const definition = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'asl', 'image-pipeline.asl.json'), 'utf8')) as { States: Record<string, unknown> };
  const byArnVariable = new Map(FUNCTIONS.map((name) => [`\${${name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase())}FunctionArn}`, name]));
  const found: Record<string, FunctionName> = {};
  const visit = (states: Record<string, unknown>) => {
    for (const [stateName, state] of Object.entries(states)) {
      const { Resource, Branches } = state as { Resource?: string; Branches?: { States: Record<string, unknown> }[] };
      const entrypoint = Resource ? byArnVariable.get(Resource) : undefined;
      if (entrypoint) found[stateName] = entrypoint;
      for (const branch of Branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States);
  return found;
}

export function loadMeasuredUsage(file = join(REPOSITORY_ROOT, 'tools', 'cost', 'measured-usage.json')): MeasuredUsage {
  return JSON.parse(readFileSync(file, 'utf8')) as MeasuredUsage;
}
