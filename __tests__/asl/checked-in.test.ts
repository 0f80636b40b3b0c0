/**
 * asl/image-pipeline.asl.json is generated from asl/definition.ts for reviewers; it must be what
 * `npm run asl` writes, and the Task resources are named after their entrypoints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkedInJson, DEFAULT_WORKER_ROUTE, functionArnVariable, HEAVY_QUEUE_URL_VARIABLE, PIPELINE_DEFINITION, SEND_AND_WAIT_RESOURCE } from '../../asl/definition';
import { renderDefinition } from '../../asl/render';
import { TASK_ENTRYPOINTS, type TaskEntrypointName } from '../../handlers/runtime/manifest';
import { walkStates } from '../../local/state-machine';

const CHECKED_IN = join(__dirname, '..', '..', 'asl', 'image-pipeline.asl.json');

/** The first line where two texts differ, to say where the checked-in file went stale. */
function firstDifference(expected: string, actual: string): string {
  const [want, got] = [expected.split('\n'), actual.split('\n')];
  const line = want.findIndex((text, index) => text !== got[index]);
  const at = line < 0 ? want.length : line;
  return `line ${at + 1}: expected ${JSON.stringify(want[at])}, found ${JSON.stringify(got[at])}`;
}

describe('asl/image-pipeline.asl.json', () => {
  it('is exactly what `npm run asl` generates from asl/definition.ts', () => {
    const expected = checkedInJson();
    const actual = readFileSync(CHECKED_IN, 'utf8');
    if (actual !== expected) {
      throw new Error(`asl/image-pipeline.asl.json differs from asl/definition.ts (${firstDifference(expected, actual)}): run \`npm run asl\` and commit the result.`);
    }
  });

  it('names each function Task resource after its entrypoint, one placeholder per function, beside the one worker Task', () => {
    expect(functionArnVariable('validate')).toBe('ValidateFunctionArn');
    expect(functionArnVariable('notify-success')).toBe('NotifySuccessFunctionArn');
    const resources = walkStates(PIPELINE_DEFINITION)
      .filter(([, state]) => state.Type === 'Task')
      .map(([, state]) => state.Resource);
    expect(resources.filter((resource) => resource !== SEND_AND_WAIT_RESOURCE).sort()).toEqual(TASK_ENTRYPOINTS.map((entrypoint) => `\${${functionArnVariable(entrypoint)}}`).sort());
    expect(resources.filter((resource) => resource === SEND_AND_WAIT_RESOURCE)).toHaveLength(1);
  });
});

describe('renderDefinition', () => {
  const resources = Object.fromEntries(TASK_ENTRYPOINTS.map((entrypoint) => [entrypoint, `arn-of-${entrypoint}`])) as Record<TaskEntrypointName, string>;

  it('is the checked-in definition with each placeholder replaced by its function and the queue, indented by 2', () => {
    const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/image-processor-prod-heavy.fifo';
    const rendered = renderDefinition(resources, { ...DEFAULT_WORKER_ROUTE, queueUrl });
    let expected = checkedInJson().trimEnd().replace(`\${${HEAVY_QUEUE_URL_VARIABLE}}`, queueUrl);
    for (const entrypoint of TASK_ENTRYPOINTS) expected = expected.replace(`\${${functionArnVariable(entrypoint)}}`, `arn-of-${entrypoint}`);
    expect(rendered).toBe(expected);
  });

  it('refuses to render a Task without its function, naming the one missing', () => {
    const { optimize: _omitted, ...partial } = resources;
    expect(() => renderDefinition(partial as Record<TaskEntrypointName, string>)).toThrow(/needs \$\{OptimizeFunctionArn\} \(the optimize function\)/);
  });
});
