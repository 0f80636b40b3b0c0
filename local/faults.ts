/**
 * Fault injection for the local runner: make a named Task state fail N times with a given error,
 * in every execution, so the definition's Retry and Catch are exercised for real.
 *
 *   --fail ResizeImage=TRANSIENT:2          the first 2 attempts fail (Retry succeeds on the 3rd)
 *   --fail OptimizeImage=INTERNAL           the first attempt fails (not retried: Catch → NotifyError)
 *   --fail ApplyFilters=TRANSIENT:*         every attempt fails (retries run out, then Catch)
 *   --fail OptimizeImage=INTERNAL:1:after   the handler runs (and writes what it writes), then its
 *                                           result is replaced by the error, like a function that
 *                                           dies after its side effects
 *   LOCAL_FAULTS="ResizeImage=TRANSIENT:2,OptimizeImage=INTERNAL" npm start
 *
 * Counting is per execution and per state: each execution sees the same sequence of failures.
 */
export interface FaultSpec {
  /** A Task state name in the definition, e.g. `ResizeImage`. */
  readonly state: string;
  /** The error name the state fails with, e.g. `TRANSIENT` or `Lambda.ServiceException`. */
  readonly error: string;
  /** How many attempts fail, counted from the first; `Infinity` for all. */
  readonly times: number;
  /** `before`: the handler is not called. `after`: the handler runs, then the attempt fails. */
  readonly when: 'before' | 'after';
}

/**
 * The environment form. Not `IMAGE_PROCESSOR_FAULTS`: stacks/config.ts reserves `IMAGE_PROCESSOR_*`
 * for stack settings and rejects unknown ones, so an exported fault list would break `cdktf synth`.
 */
export const FAULTS_ENV = 'LOCAL_FAULTS';

const FAULT_SYNTAX = '<State>=<Error>[:<times>|*][:after]';
const STATE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ERROR_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

/** Parses one `<State>=<Error>[:<times>|*][:after]`. */
export function parseFault(text: string): FaultSpec {
  const trimmed = text.trim();
  const equals = trimmed.indexOf('=');
  const fail = (why: string) =>
    new FaultSpecError(`Expected a fault as ${FAULT_SYNTAX} (e.g. ResizeImage=TRANSIENT:2), but "${text}" ${why}.`);
  if (equals <= 0) throw fail('has no "<State>="');
  const state = trimmed.slice(0, equals);
  const [error = '', times = '1', when = 'before', ...rest] = trimmed.slice(equals + 1).split(':');
  if (!STATE_NAME.test(state)) throw fail(`names the state "${state}"`);
  if (!ERROR_NAME.test(error)) throw fail(`names the error "${error}"`);
  if (rest.length > 0) throw fail('has too many ":" parts');
  let count: number;
  if (times === '*') {
    count = Number.POSITIVE_INFINITY;
  } else if (/^\d+$/.test(times) && Number(times) >= 1) {
    count = Number(times);
  } else {
    throw fail(`gives "${times}" as the number of failing attempts (a whole number ≥ 1, or *)`);
  }
  if (when !== 'before' && when !== 'after') throw fail(`ends with "${when}" (only "after" may follow the count)`);
  return { state, error, times: count, when };
}

/** Parses a list separated by commas, semicolons or whitespace (the form of `LOCAL_FAULTS`). */
export function parseFaultList(text: string | undefined): FaultSpec[] {
  if (!text) return [];
  return text
    .split(/[,;\s]+/)
    .filter((part) => part.length > 0)
    .map(parseFault);
}

/** Rejects faults naming states the definition has no Task for, listing the ones it has. */
export function checkFaultStates(faults: readonly FaultSpec[], taskStates: readonly string[]): void {
  const known = new Set(taskStates);
  const unknown = faults.filter((fault) => !known.has(fault.state));
  if (unknown.length > 0) {
    throw new FaultSpecError(
      `Expected faults to name Task states of the definition (${taskStates.join(', ')}), but received ${unknown.map((fault) => fault.state).join(', ')}.`,
    );
  }
  const seen = new Set<string>();
  for (const fault of faults) {
    if (seen.has(fault.state)) {
      throw new FaultSpecError(`Expected at most one fault per state, but ${fault.state} has several.`);
    }
    seen.add(fault.state);
  }
}

/** The error an injected fault raises; `name` is the error the state machine sees. */
export class InjectedFault extends Error {
  constructor(spec: FaultSpec, attempt: number) {
    const of = Number.isFinite(spec.times) ? `${spec.times}` : 'every';
    super(`Injected fault: ${spec.state} attempt ${attempt} fails with ${spec.error} (${of} attempt(s) set to fail${spec.when === 'after' ? ', after the handler ran' : ''}).`);
    this.name = spec.error;
  }
}

/** One execution's view of the faults: counts attempts per state. */
export class ExecutionFaults {
  private readonly attempts = new Map<string, number>();
  private readonly byState: ReadonlyMap<string, FaultSpec>;

  constructor(faults: readonly FaultSpec[]) {
    this.byState = new Map(faults.map((fault) => [fault.state, fault]));
  }

  /** Call once per attempt of `state`; returns the fault to apply to this attempt, if any. */
  next(state: string): { spec: FaultSpec; error: InjectedFault } | undefined {
    const attempt = (this.attempts.get(state) ?? 0) + 1;
    this.attempts.set(state, attempt);
    const spec = this.byState.get(state);
    if (!spec || attempt > spec.times) return undefined;
    return { spec, error: new InjectedFault(spec, attempt) };
  }
}

export function describeFault(spec: FaultSpec): string {
  const times = Number.isFinite(spec.times) ? String(spec.times) : '*';
  return `${spec.state}=${spec.error}:${times}${spec.when === 'after' ? ':after' : ''}`;
}
