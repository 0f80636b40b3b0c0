/**
 * The Lambda functions as the local runner serves them: the same handler modules the
 * infrastructure bundles (each entrypoint's file, from the manifest), each under a local ARN, with
 * the name, timeout and memory the stack declares.
 */
import type { WorkerRoute } from '../asl/definition';
import { renderDefinition } from '../asl/render';
import { entrypointSource, TASK_ENTRYPOINTS, type FunctionName, type TaskEntrypointName } from '../handlers/runtime/manifest';
import { localFunctionArn, type LocalFunction } from './lambda-context';
import type { Handler } from './lambda-invoke';
import type { TaskFunction } from './state-machine';

/**
 * The entrypoint's module, imported on first use (the same file esbuild bundles for its function).
 * The path is a template of the manifest's layout for Lambda entrypoints (`entrypointSource`, which a
 * test holds it to), so that esbuild, bundling the local runners, finds and includes every function's
 * module — and no other kind's (the API's server is not part of `npm start`).
 */
export async function loadHandler(entrypoint: FunctionName): Promise<Handler> {
  const source = entrypointSource(entrypoint);
  const module = (await import(`../handlers/entrypoints/lambda/${entrypoint}.ts`)) as { handler?: unknown };
  if (typeof module.handler !== 'function') {
    throw new Error(`Expected ${source} to export a handler function, but it exports ${typeof module.handler}.`);
  }
  return module.handler as Handler;
}

export type FunctionSettings = Readonly<Record<FunctionName, LocalFunction>>;

/** Each Task entrypoint's local function ARN. */
export function taskFunctionArns(functions: FunctionSettings): Record<TaskEntrypointName, string> {
  return Object.fromEntries(
    TASK_ENTRYPOINTS.map((entrypoint) => [entrypoint, localFunctionArn(functions[entrypoint].region, functions[entrypoint].functionName)]),
  ) as Record<TaskEntrypointName, string>;
}

/** The definition as deployed, but with local function ARNs as Task resources and the local heavy queue. */
export function renderLocalDefinition(functions: FunctionSettings, worker?: WorkerRoute): string {
  return renderDefinition(taskFunctionArns(functions), worker);
}

/** ARN → function, for every Task entrypoint, with `handlers` overriding the real modules (tests). */
export async function loadTaskFunctions(
  functions: FunctionSettings,
  handlers: Partial<Record<TaskEntrypointName, Handler>> = {},
): Promise<Map<string, TaskFunction>> {
  const arns = taskFunctionArns(functions);
  const loaded = await Promise.all(
    TASK_ENTRYPOINTS.map(async (entrypoint): Promise<[string, TaskFunction]> => [
      arns[entrypoint],
      { ...functions[entrypoint], handler: handlers[entrypoint] ?? (await loadHandler(entrypoint)) },
    ]),
  );
  return new Map(loaded);
}
