/**
 * The Lambda functions as the local runner serves them: the same handler modules the
 * infrastructure bundles, each under a local ARN, with the name, timeout and memory the stack
 * declares.
 */
import { renderDefinition } from '../asl/render';
import type { EntrypointName, TaskEntrypointName } from '../handlers/runtime/manifest';
import { localFunctionArn, type LocalFunction } from './lambda-context';
import type { Handler } from './lambda-invoke';
import type { TaskFunction } from './state-machine';

/** Each entrypoint's module, imported on first use (the same files esbuild bundles per function). */
const MODULES: Readonly<Record<EntrypointName, () => Promise<{ handler: Handler }>>> = {
  'start-workflow': () => import('../handlers/entrypoints/lambda/start-workflow'),
  validate: () => import('../handlers/entrypoints/lambda/validate'),
  resize: () => import('../handlers/entrypoints/lambda/resize'),
  filters: () => import('../handlers/entrypoints/lambda/filters'),
  optimize: () => import('../handlers/entrypoints/lambda/optimize'),
  'notify-success': () => import('../handlers/entrypoints/lambda/notify-success'),
  'notify-error': () => import('../handlers/entrypoints/lambda/notify-error'),
};

export const TASK_ENTRYPOINTS: readonly TaskEntrypointName[] = ['validate', 'resize', 'filters', 'optimize', 'notify-success', 'notify-error'];

export async function loadHandler(entrypoint: EntrypointName): Promise<Handler> {
  const module = await MODULES[entrypoint]();
  if (typeof module.handler !== 'function') {
    throw new Error(`Expected handlers/entrypoints/lambda/${entrypoint}.ts to export a handler function, but it exports ${typeof module.handler}.`);
  }
  return module.handler;
}

export type FunctionSettings = Readonly<Record<EntrypointName, LocalFunction>>;

/** Each Task entrypoint's local function ARN. */
export function taskFunctionArns(functions: FunctionSettings): Record<TaskEntrypointName, string> {
  return Object.fromEntries(
    TASK_ENTRYPOINTS.map((entrypoint) => [entrypoint, localFunctionArn(functions[entrypoint].region, functions[entrypoint].functionName)]),
  ) as Record<TaskEntrypointName, string>;
}

/** The definition as deployed, but with local function ARNs as Task resources. */
export function renderLocalDefinition(functions: FunctionSettings): string {
  return renderDefinition(taskFunctionArns(functions));
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
