/**
 * How long an execution of a definition can take at most: the longest path from `StartAt` to an
 * end, following `Next`, Choice branches, `Default` and `Catch`, with a Parallel taking as long as
 * its longest branch. A Task takes its own TimeoutSeconds, or else its function's timeout, once per attempt it may be given (with
 * `withRetries`: 1 + the most retries any of its retriers that run the function allows). The
 * settings use it to refuse step timeouts an execution cannot honour.
 */

interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next: string }[];
  readonly Catch?: readonly { readonly Next: string }[];
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[]; readonly MaxAttempts: number }[];
  readonly Branches?: readonly Machine[];
}

interface Machine {
  readonly StartAt: string;
  readonly States: { readonly [name: string]: State | undefined };
}

export interface RunOptions {
  /** Seconds one attempt of a Task with this `Resource` may take. */
  readonly taskSeconds: (resource: string) => number;
  readonly withRetries: boolean;
  /** Whether a retrier's attempts run the function (a throttled invocation never starts). @default every retrier's */
  readonly retryRuns?: (errorEquals: readonly string[]) => boolean;
}

export function longestRunSeconds(machine: Machine, options: RunOptions): number {
  const memo = new Map<string, number>();
  const from = (name: string, visiting: ReadonlySet<string>): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`The definition loops through ${name}; its longest run is unbounded.`);
    const state = machine.States[name];
    if (!state) throw new Error(`The definition names a state ${name} it does not define.`);
    const next = new Set([state.Next, state.Default, ...(state.Choices ?? []).map((choice) => choice.Next), ...(state.Catch ?? []).map((c) => c.Next)]);
    next.delete(undefined);
    const inner = new Set([...visiting, name]);
    const after = Math.max(0, ...[...next].map((successor) => from(successor!, inner)));
    const total = ownSeconds(state, options) + after;
    memo.set(name, total);
    return total;
  };
  return from(machine.StartAt, new Set());
}

function ownSeconds(state: State, options: RunOptions): number {
  if (state.Type === 'Parallel') return Math.max(0, ...(state.Branches ?? []).map((branch) => longestRunSeconds(branch, options)));
  if (state.Type !== 'Task' || !state.Resource) return 0;
  const runs = options.retryRuns ?? (() => true);
  const retries = (state.Retry ?? []).filter((retrier) => runs(retrier.ErrorEquals)).map((retrier) => retrier.MaxAttempts);
  const attempts = options.withRetries ? 1 + Math.max(0, ...retries) : 1;
  return (state.TimeoutSeconds ?? options.taskSeconds(state.Resource)) * attempts;
}
