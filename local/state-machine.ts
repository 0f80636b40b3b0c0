/**
 * Runs executions of a rendered definition with aws-local-stepfunctions. Every Task's `Resource`
 * (a local function ARN) is mapped to its in-process handler, invoked as Lambda would invoke it
 * (see lambda-invoke.ts); injected faults apply per execution; retry waits are shortened.
 *
 * aws-local-stepfunctions keys its overrides by state name, not by ARN, so the mapping is built
 * by walking the definition: state name → Resource ARN → function.
 */
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { causeMessage } from '../handlers/workflow/failure';
import { ExecutionFaults, checkFaultStates, type FaultSpec } from './faults';
import type { LocalFunction } from './lambda-context';
import { TaskFailure, invokeLambda, type Handler } from './lambda-invoke';
import type { Integration, TaskContext } from './send-and-wait';

/** The events aws-local-stepfunctions logs for an execution (its `EventLog` type is not exported). */
export type ExecutionEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer Event> ? Event : never;

export interface TaskFunction extends LocalFunction {
  readonly handler: Handler;
}

export interface LocalStateMachineOptions {
  /** The rendered definition (JSON text), with local function ARNs as Task resources. */
  readonly definition: string;
  /** Task resource ARN → the function that serves it. */
  readonly functions: ReadonlyMap<string, TaskFunction>;
  /** Task resource → a service integration (`arn:aws:states:::sqs:sendMessage.waitForTaskToken`), for the Tasks that invoke no function. */
  readonly integrations?: ReadonlyMap<string, Integration>;
  /** A fresh task token, for `$$.Task.Token`. @default none: a definition that reads it fails */
  readonly issueToken?: () => string;
  readonly faults?: readonly FaultSpec[];
  /**
   * Milliseconds to wait before each retry, in place of IntervalSeconds × BackoffRate^n
   * (which locally would only make runs slow). The attempts and the errors matched are unchanged.
   * @default 10
   */
  readonly retryIntervalMs?: number;
  /** Called as each attempt of a Task state ends (for --verbose). */
  readonly onAttempt?: (attempt: TaskAttempt) => void;
  /**
   * Check the definition against the ASL schema, its paths and ARNs before the first run. The
   * check compiles the whole ASL JSON schema, about a third of the runner's start-up; the runners
   * skip it for the project's own definition, which __tests__/asl/definition.test.ts checks the
   * same way, rendered for local functions.
   * @default true
   */
  readonly validate?: boolean;
}

/** One attempt of a Task state, as it ended. */
export interface TaskAttempt {
  readonly executionName: string;
  /** The execution's input (the job: jobId, source). */
  readonly input: unknown;
  readonly state: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  readonly ms: number;
  /** The error it failed with (what Retry/Catch match) and its message; absent when it succeeded. */
  readonly error?: { readonly name: string; readonly message: string };
}

export interface ExecutionContext {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly startDate: Date;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionOutcome {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly ExecutionEvent[];
}

/**
 * AWS Step Functions puts no timeout on a Task unless the definition sets one; aws-local-stepfunctions
 * defaults to 60 s. Tasks without TimeoutSeconds get the largest value a Node timer holds, so the
 * only timeout in force locally is the function's own (as in AWS).
 */
const NO_TASK_TIMEOUT_SECONDS = Math.floor(2 ** 31 / 1000) - 1;

interface TaskState {
  readonly Type: string;
  Resource?: string;
  Retry?: unknown[];
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  TimeoutSecondsPath?: string;
  Branches?: { States: Record<string, TaskState> }[];
  ItemProcessor?: { States: Record<string, TaskState> };
  Iterator?: { States: Record<string, TaskState> };
}

/** Every state in the definition, including those inside Parallel branches and Map processors. */
export function walkStates(definition: { States: Record<string, unknown> }): [string, TaskState][] {
  const found: [string, TaskState][] = [];
  const visit = (states: Record<string, TaskState>) => {
    for (const [name, state] of Object.entries(states)) {
      found.push([name, state]);
      for (const branch of state.Branches ?? []) visit(branch.States);
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
      if (state.Iterator) visit(state.Iterator.States);
    }
  };
  visit(definition.States as Record<string, TaskState>);
  return found;
}

/** The names of the definition's Task states (Parallel branches included), in definition order. */
export function taskStateNames(definition: { States: Record<string, unknown> }): string[] {
  return walkStates(definition)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => name);
}

export class LocalStateMachine {
  private readonly machine: StateMachine;
  /** Task state name → its function. */
  readonly tasks: ReadonlyMap<string, TaskFunction>;
  /** Task state name → the integration that serves it, with its waits. */
  private readonly integrationStates = new Map<string, { readonly integration: Integration; readonly heartbeatSeconds: number; readonly timeoutSeconds: number }>();
  private readonly issueToken: (() => string) | undefined;
  private readonly retryIntervalOverrides: Record<string, number>;
  private faultSpecs: readonly FaultSpec[] = [];
  private readonly onAttempt: ((attempt: TaskAttempt) => void) | undefined;

  constructor(options: LocalStateMachineOptions) {
    const definition = JSON.parse(options.definition) as StateMachineDefinition;
    const states = walkStates(definition);
    const names = new Set<string>();
    const tasks = new Map<string, TaskFunction>();
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [name, state] of states) {
      if (names.has(name)) {
        throw new Error(`Expected state names to be unique across the definition, but ${name} appears twice.`);
      }
      names.add(name);
      if (state.Retry) retryIntervalOverrides[name] = options.retryIntervalMs ?? 10;
      if (state.Type !== 'Task') continue;
      const integration = state.Resource === undefined ? undefined : options.integrations?.get(state.Resource);
      if (integration) {
        const timeoutSeconds = state.TimeoutSeconds ?? NO_TASK_TIMEOUT_SECONDS;
        this.integrationStates.set(name, { integration, heartbeatSeconds: state.HeartbeatSeconds ?? timeoutSeconds, timeoutSeconds });
        continue;
      }
      const fn = state.Resource === undefined ? undefined : options.functions.get(state.Resource);
      if (!fn) {
        throw new Error(
          `Expected every Task resource to be a local function, but ${name} has ${state.Resource ?? 'no Resource'}; known: ${[...options.functions.keys()].join(', ')}.`,
        );
      }
      tasks.set(name, fn);
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
        state.TimeoutSeconds = NO_TASK_TIMEOUT_SECONDS;
      }
    }
    this.tasks = tasks;
    this.issueToken = options.issueToken;
    this.faults = options.faults ?? [];
    this.retryIntervalOverrides = retryIntervalOverrides;
    this.onAttempt = options.onAttempt;
    // The definition is validated (schema, paths, ARNs) once here, not per execution.
    this.machine = new StateMachine(definition, {
      validationOptions: options.validate === false ? { noValidate: true } : { checkArn: true, checkPaths: true },
    });
  }

  /** The faults injected into executions started from now on (each counts its own attempts). */
  get faults(): readonly FaultSpec[] {
    return this.faultSpecs;
  }

  set faults(faults: readonly FaultSpec[]) {
    checkFaultStates(faults, [...this.tasks.keys(), ...this.integrationStates.keys()]);
    this.faultSpecs = [...faults];
  }

  /**
   * Runs one execution to its end, or until `signal` aborts it (status ABORTED). Never rejects:
   * a failed execution is an outcome.
   */
  async run(input: unknown, context: ExecutionContext, signal?: AbortSignal): Promise<ExecutionOutcome> {
    if (signal?.aborted) return { status: 'ABORTED', events: [] };
    const faults = new ExecutionFaults(this.faultSpecs);
    const attempts = new Map<string, number>();
    // `$$.Task.Token`: read when a state's Parameters are evaluated; each attempt of a waiting state replaces it.
    const task: TaskContext | undefined = this.issueToken ? { Token: this.issueToken() } : undefined;
    const serve = (stateName: string, fn: TaskFunction | undefined, taskInput: unknown) => {
      const waiting = this.integrationStates.get(stateName);
      if (waiting && task) return waiting.integration({ input: taskInput, task, heartbeatSeconds: waiting.heartbeatSeconds, timeoutSeconds: waiting.timeoutSeconds, signal });
      return invokeLambda(fn!, fn!.handler, taskInput);
    };
    const attempt = async (stateName: string, fn: TaskFunction | undefined, taskInput: unknown) => {
      const fault = faults.next(stateName);
      if (fault?.spec.when === 'before') throw TaskFailure.fromHandlerError(fault.error);
      const result = await serve(stateName, fn, taskInput);
      if (fault) throw TaskFailure.fromHandlerError(fault.error);
      return result;
    };
    const served: [string, TaskFunction | undefined][] = [...this.tasks, ...[...this.integrationStates.keys()].map((name): [string, undefined] => [name, undefined])];
    const taskResourceLocalHandlers = Object.fromEntries(
      served.map(([stateName, fn]) => [
        stateName,
        async (taskInput: unknown) => {
          const number = (attempts.get(stateName) ?? 0) + 1;
          attempts.set(stateName, number);
          const started = performance.now();
          const report = (error?: TaskAttempt['error']) =>
            this.onAttempt?.({ executionName: context.name, input, state: stateName, attempt: number, ms: performance.now() - started, ...(error ? { error } : {}) });
          try {
            const result = await attempt(stateName, fn, taskInput);
            report();
            return result as never;
          } catch (error) {
            const failure = error as Error;
            report({ name: failure.name, message: causeMessage(failure.message) ?? failure.message });
            throw error;
          }
        },
      ]),
    );
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers, retryIntervalOverrides: this.retryIntervalOverrides },
      context: {
        Execution: {
          Id: context.executionArn,
          Name: context.name,
          StartTime: context.startDate.toISOString(),
          RoleArn: `arn:aws:iam::000000000000:role/${context.stateMachineName}`,
        },
        StateMachine: { Id: context.stateMachineArn, Name: context.stateMachineName },
        ...(task ? { Task: task } : {}),
      },
    });
    const abort = () => execution.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const events: ExecutionEvent[] = [];
    const collected = (async () => {
      for await (const event of execution.eventLogs) events.push(event);
    })();
    let outcome: Omit<ExecutionOutcome, 'events'>;
    try {
      outcome = { status: 'SUCCEEDED', output: await execution.result };
    } catch (error) {
      if (error instanceof ExecutionError) {
        const cause = error.cause as Error | undefined;
        outcome = { status: 'FAILED', error: cause?.name ?? 'States.Runtime', cause: cause?.message ?? error.message };
      } else if (error instanceof ExecutionTimeoutError) {
        outcome = { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds.' };
      } else if (error instanceof ExecutionAbortedError) {
        outcome = { status: 'ABORTED' };
      } else {
        outcome = { status: 'FAILED', error: 'States.Runtime', cause: (error as Error)?.message ?? String(error) };
      }
    }
    signal?.removeEventListener('abort', abort);
    await collected;
    return { ...outcome, events };
  }
}

export interface StateTiming {
  readonly name: string;
  readonly ms: number;
  /** Attempts made (1 + retries); Choice and Parallel states count 1. */
  readonly attempts: number;
  /** The error the state ended with, when it failed (caught, or ending the execution). */
  readonly error?: string;
}

/**
 * Every state entered, in the order entered, with the time from StateEntered to StateExited
 * (or to its last failure, for a state that ended the execution or was cut short).
 */
export function stateTimings(events: readonly ExecutionEvent[]): StateTiming[] {
  interface Open {
    name: string;
    entered: number;
    end?: number;
    attempts: number;
    error?: string;
    caught?: boolean;
  }
  const open = new Map<string, Open>();
  const order: Open[] = [];
  const last = events.reduce((latest, event) => Math.max(latest, event.timestamp), 0);
  for (const event of events) {
    if (!('state' in event)) continue;
    const name = event.state.name;
    switch (event.type) {
      case 'StateEntered': {
        const timing = { name, entered: event.timestamp, attempts: 1 };
        open.set(name, timing);
        order.push(timing);
        break;
      }
      case 'StateRetried': {
        const timing = open.get(name);
        if (timing) timing.attempts += 1;
        break;
      }
      case 'StateFailed': {
        const timing = open.get(name);
        if (timing) {
          timing.end = event.timestamp;
          timing.error = event.Error;
        }
        break;
      }
      case 'StateCaught': {
        const timing = open.get(name);
        if (timing) timing.caught = true;
        break;
      }
      case 'StateExited': {
        const timing = open.get(name);
        if (timing) {
          timing.end = event.timestamp;
          if (!timing.caught) delete timing.error;
          open.delete(name);
        }
        break;
      }
      default:
        break;
    }
  }
  return order.map((timing) => ({
    name: timing.name,
    ms: Math.max(0, (timing.end ?? last) - timing.entered),
    attempts: timing.attempts,
    ...(timing.error ? { error: timing.error } : {}),
  }));
}
