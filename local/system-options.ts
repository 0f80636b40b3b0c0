/**
 * What a local system is started with (LocalSystem.start), and the defaults it falls back on.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultSpec } from './faults';
import type { FunctionLogDestination } from './function-log';

export interface LocalSystemOptions {
  /** The stack stage whose names and settings are used. @default 'local' */
  readonly stage?: string;
  /** Executions running at once. @default os.availableParallelism() */
  readonly concurrency?: number;
  /** A preset (the parsed JSON), handed to the functions as `IMAGE_PRESET`. @default the built-in preset */
  readonly preset?: unknown;
  /** Faults injected into every execution (see faults.ts). Can be changed between runs with `setFaults`. */
  readonly faults?: readonly FaultSpec[];
  /** Wait before each retry, in place of the definition's backoff. @default 10 */
  readonly retryIntervalMs?: number;
  /** More settings for the functions, e.g. `{ MAX_INPUT_BYTES: '1048576' }`. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Runs the worker in this process, over the local FIFO queues (the same code as on Fargate).
   * Tests that run workers as processes of their own turn it off. @default true
   */
  readonly worker?: boolean;
  /** The in-process worker's memory budget. @default half the memory this process may have */
  readonly workerMemoryBudgetBytes?: number;
  /** Entrypoint → a policy document that replaces its synthesized role policy (iam/). */
  readonly policies?: Readonly<Partial<Record<string, unknown>>>;
  /** Where the functions' log lines go. @default {@link defaultFunctionLogFile} */
  readonly functionLog?: FunctionLogDestination;
  /**
   * Deliver every object any client puts under the uploads prefix to start-workflow, as S3's
   * notification does (`npm run serve`); otherwise only `deliver` does. @default false
   */
  readonly notifyUploads?: boolean;
  /** With `notifyUploads`: the decoded bytes of the images processed at once (upload-admission.ts). @default half the machine's memory */
  readonly memoryBudgetBytes?: number;
}

/** The worker's queues, created on fauxqs as the stack declares them. */
export interface LocalQueues {
  readonly heavy: string;
  readonly reprocess: string;
  readonly heavyDeadLetter: string;
  readonly reprocessDeadLetter: string;
}

/** The file the functions' log lines go to unless told otherwise: one per process, in the temp folder. */
export function defaultFunctionLogFile(): string {
  return join(tmpdir(), `image-processor-local-${process.pid}.log`);
}
