/**
 * Renders the state machine definition of asl/definition.ts with each Task's `Resource` set to
 * the ARN (or, locally, the handler name) of its function.
 */
import type { TaskEntrypointName } from '../handlers/runtime/manifest';
import { functionArnVariable, PIPELINE_DEFINITION, pipelineDefinition, type WorkerRoute } from './definition';

/**
 * The definition as a JSON string, indented for people reviewing a plan; `worker` is the heavy
 * route with the queue's real URL, or undefined for none (an Express workflow cannot wait for a task token).
 */
export function renderDefinition(resources: Readonly<Record<TaskEntrypointName, string>>, worker?: WorkerRoute): string {
  const definition = pipelineDefinition((entrypoint) => {
    const value = resources[entrypoint] as string | undefined;
    if (typeof value !== 'string') {
      // Only reachable from untyped callers; without it the Task would silently lose its Resource.
      throw new Error(
        `The state machine definition needs \${${functionArnVariable(entrypoint)}} (the ${entrypoint} function), but only ${Object.keys(resources).join(', ')} were given.`,
      );
    }
    return value;
  }, worker);
  return JSON.stringify(definition, null, 2);
}

/** Step Functions' own limits on how long an execution runs. */
const WORKFLOW_TYPE_MAX_SECONDS = { STANDARD: 365 * 86_400, EXPRESS: 300 } as const;

/** The longest an execution may run: the definition's TimeoutSeconds, within the workflow type's own limit. */
export function executionTimeoutSeconds(type: keyof typeof WORKFLOW_TYPE_MAX_SECONDS): number {
  return Math.min(PIPELINE_DEFINITION.TimeoutSeconds, WORKFLOW_TYPE_MAX_SECONDS[type]);
}
