/**
 * asl/image-pipeline.asl.json is generated from asl/definition.ts for reviewers; it must be what
 * `npm run asl` writes, and the Task resources are named after their entrypoints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkedInJson, functionArnVariable, PIPELINE_DEFINITION } from '../../asl/definition';
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

  it('names each Task resource after its entrypoint, one placeholder per function', () => {
    expect(functionArnVariable('validate')).toBe('ValidateFunctionArn');
    expect(functionArnVariable('notify-success')).toBe('NotifySuccessFunctionArn');
    const resources = walkStates(PIPELINE_DEFINITION)
      .filter(([, state]) => state.Type === 'Task')
      .map(([, state]) => state.Resource);
    expect(resources.sort()).toEqual(TASK_ENTRYPOINTS.map((entrypoint) => `\${${functionArnVariable(entrypoint)}}`).sort());
  });
});

describe('renderDefinition', () => {
  const resources = Object.fromEntries(TASK_ENTRYPOINTS.map((entrypoint) => [entrypoint, `arn-of-${entrypoint}`])) as Record<TaskEntrypointName, string>;

  it('is the checked-in definition with each placeholder replaced by its function, indented by 2', () => {
    const rendered = renderDefinition(resources);
    let expected = checkedInJson().trimEnd();
    for (const entrypoint of TASK_ENTRYPOINTS) expected = expected.replace(`\${${functionArnVariable(entrypoint)}}`, `arn-of-${entrypoint}`);
    expect(rendered).toBe(expected);
  });

  it('refuses to render a Task without its function, naming the one missing', () => {
    const { optimize: _omitted, ...partial } = resources;
    expect(() => renderDefinition(partial as Record<TaskEntrypointName, string>)).toThrow(/needs \$\{OptimizeFunctionArn\} \(the optimize function\)/);
  });
});
