/**
 * `npm run cost -- --measure`: runs the bundled samples one at a time through the local pipeline
 * (the real state machine and handlers on the emulators) and records, per image, what the cost
 * model needs: each function's duration, the states entered (Standard workflows bill each as a
 * transition), and the billable requests and bytes. Written to tools/cost/measured-usage.json.
 */
import { cpus } from 'node:os';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSystem } from '../../local/system';
import { stateTimings } from '../../local/state-machine';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { SystemError } from '../cli/command';
import { countRequests } from './requests';
import { stateEntrypoints, type MeasuredUsage } from './usage';

export const MEASURED_USAGE_FILE = join(REPOSITORY_ROOT, 'tools', 'cost', 'measured-usage.json');

export async function measureUsage(samplesDir = join(REPOSITORY_ROOT, 'samples')): Promise<MeasuredUsage> {
  const files = readdirSync(samplesDir).filter((name) => !name.startsWith('.')).sort();
  const entrypointOf = stateEntrypoints();
  const system = await LocalSystem.start({ concurrency: 1 });
  const durations: Record<string, number[]> = { 'start-workflow': [] };
  const transitions: number[] = [];
  const executionMs: number[] = [];
  let outcomes: string[] = [];
  try {
    const endpoint = (variable: string) => new URL(system.environment[variable]!).host;
    const endpoints = {
      s3Port: new URL(system.environment.AWS_ENDPOINT_URL_S3!).port,
      dynamodb: endpoint('AWS_ENDPOINT_URL_DYNAMODB'),
      sns: endpoint('AWS_ENDPOINT_URL_SNS'),
      sfn: endpoint('AWS_ENDPOINT_URL_SFN'),
      workPrefix: system.resources.workPrefix,
      uploadsPrefix: system.resources.uploadsPrefix,
    };
    const counts = await countRequests(endpoints, async () => {
      for (const file of files) {
        const key = `${system.resources.uploadsPrefix}cost/${file}`;
        const created = await system.upload(key, readFileSync(join(samplesDir, file)));
        const started = performance.now();
        await system.deliver([created]);
        durations['start-workflow']!.push(performance.now() - started);
        const execution = await system.executionFor({ bucket: created.bucket, key })?.settled;
        if (!execution) throw new SystemError(`Expected start-workflow to start an execution for ${file}, but it started none.`);
        executionMs.push((execution.stopDate ?? new Date()).getTime() - execution.startDate.getTime());
        const timings = stateTimings(execution.events);
        outcomes.push(timings.at(-1)?.name ?? 'none');
        transitions.push(timings.reduce((sum, timing) => sum + timing.attempts, 0));
        for (const timing of timings) {
          const entrypoint = entrypointOf[timing.name];
          if (entrypoint) (durations[entrypoint] ??= []).push(timing.ms);
        }
      }
    });
    outcomes = [...new Set(outcomes)];
    if (outcomes.length !== 1 || outcomes[0] !== 'NotifySuccess') {
      throw new SystemError(`Expected every sample to succeed (end in NotifySuccess), but the executions ended in ${outcomes.join(', ')}.`);
    }
    const perImage = (value: number) => value / files.length;
    const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    return {
      measuredOn: new Date().toISOString().slice(0, 10),
      how: `npm run cost -- --measure: the ${files.length} bundled samples (${files.join(', ')}) one at a time through the local pipeline on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}`,
      images: files.length,
      path: 'success',
      durationsMs: Object.fromEntries(Object.entries(durations).map(([name, values]) => [name, Math.round(mean(values))])),
      executionMs: Math.round(mean(executionMs)),
      stateTransitions: mean(transitions),
      s3Writes: perImage(counts.s3Writes),
      s3Reads: perImage(counts.s3Reads),
      uploadBytes: Math.round(perImage(counts.s3PutBytes.uploads)),
      workBytes: Math.round(perImage(counts.s3PutBytes.work)),
      outputBytes: Math.round(perImage(counts.s3PutBytes.outputs)),
      dynamoWriteUnits: perImage(counts.dynamoWriteUnits),
      dynamoReadUnits: perImage(counts.dynamoReadUnits),
      jobRecordBytes: counts.dynamoLargestWriteBytes,
      snsPublishes: perImage(counts.snsPublishes),
    };
  } finally {
    await system.stop();
  }
}

export function writeMeasuredUsage(usage: MeasuredUsage, file = MEASURED_USAGE_FILE): void {
  writeFileSync(file, `${JSON.stringify(usage, null, 2)}\n`);
}
