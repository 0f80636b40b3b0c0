/**
 * Renders the state machine definition: each Task's `${<Name>FunctionArn}` substitution is
 * replaced with the ARN (or, locally, the handler name) of its function.
 */
import definition from './image-pipeline.asl.json';
import type { TaskEntrypointName } from '../handlers/runtime/manifest';

/** The substitution variable each Task entrypoint fills in the definition. */
export const FUNCTION_SUBSTITUTIONS: Readonly<Record<TaskEntrypointName, string>> = {
  validate: 'ValidateFunctionArn',
  resize: 'ResizeFunctionArn',
  filters: 'FiltersFunctionArn',
  optimize: 'OptimizeFunctionArn',
  'notify-success': 'NotifySuccessFunctionArn',
  'notify-error': 'NotifyErrorFunctionArn',
};

const SUBSTITUTION = /\$\{(\w+)\}/g;

/** The definition as a JSON string, indented for people reviewing a plan. */
export function renderDefinition(resources: Readonly<Record<TaskEntrypointName, string>>): string {
  const values = new Map<string, string>(
    Object.entries(FUNCTION_SUBSTITUTIONS).map(([entrypoint, variable]) => [
      variable,
      resources[entrypoint as TaskEntrypointName],
    ]),
  );
  const rendered = JSON.stringify(definition, null, 2).replace(SUBSTITUTION, (placeholder, variable: string) => {
    const value = values.get(variable);
    if (value === undefined) {
      throw new Error(`The state machine definition uses ${placeholder}, but only ${[...values.keys()].join(', ')} can be substituted.`);
    }
    return value;
  });
  return rendered;
}

/** Step Functions' own limits on how long an execution runs. */
const WORKFLOW_TYPE_MAX_SECONDS = { STANDARD: 365 * 86_400, EXPRESS: 300 } as const;

/** The longest an execution may run: the definition's TimeoutSeconds, within the workflow type's own limit. */
export function executionTimeoutSeconds(type: keyof typeof WORKFLOW_TYPE_MAX_SECONDS): number {
  const declared = (definition as { TimeoutSeconds?: number }).TimeoutSeconds ?? Infinity;
  return Math.min(declared, WORKFLOW_TYPE_MAX_SECONDS[type]);
}
