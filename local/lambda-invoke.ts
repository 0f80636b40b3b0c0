/**
 * Invokes a handler module in-process the way the Lambda service would: the event and the result
 * cross a JSON boundary (so nothing but JSON survives, as in AWS), the handler gets a Lambda-shaped
 * context and is held to its configured timeout, its SDK calls are made with its own role
 * (invocation.ts), and a thrown error becomes what Step Functions
 * sees from a failed Lambda Task: `Error` = the error's `name` (Lambda's `errorType`) and `Cause` =
 * Lambda's JSON `{"errorType","errorMessage","trace"}`.
 */
import type { Context } from 'aws-lambda';
import { runAsFunction } from './invocation';
import { createLambdaContext, type LocalFunction } from './lambda-context';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Lambda's synchronous invocation payload limit (request and response). */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * A failed invocation as the state machine sees it. `name` is the error Retry/Catch match on;
 * `message` is the Cause. `isRetryable`/`isCatchable` are read by aws-local-stepfunctions.
 */
export class TaskFailure extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;

  constructor(error: string, cause: string, options: { terminal?: boolean } = {}) {
    super(cause);
    this.name = error;
    this.isRetryable = !options.terminal;
    this.isCatchable = !options.terminal;
  }

  /** Lambda's report of an unhandled error: errorType is the error's name. */
  static fromHandlerError(thrown: unknown): TaskFailure {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const errorType = error.name || 'Error';
    const cause = JSON.stringify({
      errorType,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').map((line) => line.trim()),
    });
    return new TaskFailure(errorType, cause);
  }
}

function jsonRoundTrip(value: unknown, what: string, fn: LocalFunction): unknown {
  // Lambda returns `null` for a handler that resolves with undefined.
  const json = JSON.stringify(value === undefined ? null : value);
  const bytes = Buffer.byteLength(json);
  if (bytes > LAMBDA_PAYLOAD_LIMIT_BYTES) {
    throw new TaskFailure(
      what === 'response' ? 'Lambda.ResponseTooLarge' : 'Lambda.RequestTooLarge',
      `The ${what} of ${fn.functionName} is ${bytes} bytes; Lambda allows at most ${LAMBDA_PAYLOAD_LIMIT_BYTES}.`,
    );
  }
  return JSON.parse(json) as unknown;
}

export interface InvokeOptions {
  /** Called with the context before the handler runs (e.g. to log the request id). */
  readonly onContext?: (context: Context) => void;
}

/**
 * Runs `handler(event, context)` as one Lambda invocation. Resolves with the JSON result; rejects
 * with a {@link TaskFailure}. A handler that outlives its timeout is reported as Lambda reports it
 * (`Sandbox.Timedout`); in-process it cannot be killed, so its late work is ignored.
 */
export async function invokeLambda(fn: LocalFunction, handler: Handler, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
  const payload = jsonRoundTrip(event, 'request', fn);
  const context = createLambdaContext(fn);
  options.onContext?.(context);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new TaskFailure(
          'Sandbox.Timedout',
          JSON.stringify({
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${context.awsRequestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          }),
        ),
      );
    }, fn.timeoutSeconds * 1000);
  });
  try {
    const result = await Promise.race([
      Promise.resolve()
        .then(() => runAsFunction(fn.functionName, () => handler(payload, context)))
        .catch((error: unknown) => {
          throw TaskFailure.fromHandlerError(error);
        }),
      timeout,
    ]);
    return jsonRoundTrip(result, 'response', fn);
  } finally {
    clearTimeout(timer);
  }
}
