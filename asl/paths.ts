/**
 * Facts read off a definition for the monitoring: its Task states (with the function each one
 * invokes) and how many states a successful execution enters — each a billed transition on a
 * Standard workflow.
 */
import { WORKER_STEP } from '../handlers/runtime/metrics';
import { SEND_AND_WAIT_RESOURCE } from './definition';

interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly Choices?: readonly { readonly Next: string }[];
  readonly Branches?: readonly Machine[];
}

interface Machine {
  readonly StartAt: string;
  readonly States: { readonly [name: string]: State | undefined };
}

/** Every Task state, Parallel branches included, with its `Resource`. */
export function taskStates(machine: Machine): { readonly state: string; readonly resource: string }[] {
  return Object.entries(machine.States).flatMap(([name, state]) => {
    if (!state) return [];
    const inner = (state.Branches ?? []).flatMap((branch) => taskStates(branch));
    return state.Type === 'Task' && state.Resource ? [{ state: name, resource: state.Resource }, ...inner] : inner;
  });
}

/** Each Task state and the step its StateDuration is recorded under: its function's entrypoint, or the worker's for ProcessOnWorker. */
export function measuredTaskStates(machine: Machine): { readonly state: string; readonly resource: string }[] {
  return taskStates(machine).map((task) => (task.resource === SEND_AND_WAIT_RESOURCE ? { ...task, resource: WORKER_STEP } : task));
}

/** States entered from `StartAt` to the end along `Next` and each Choice's first branch: the happy path. */
export function statesOnHappyPath(machine: Machine): number {
  let count = 0;
  let name: string | undefined = machine.StartAt;
  const seen = new Set<string>();
  while (name !== undefined) {
    if (seen.has(name)) throw new Error(`The definition loops through ${name}.`);
    seen.add(name);
    const state: State | undefined = machine.States[name];
    if (!state) throw new Error(`The definition names a state ${name} it does not define.`);
    count += 1 + (state.Branches ?? []).reduce((sum, branch) => sum + statesOnHappyPath(branch), 0);
    name = state.Type === 'Choice' ? state.Choices?.[0]?.Next : state.Next;
  }
  return count;
}
