/**
 * The one wrapper every entrypoint uses: run the step, and make whatever it throws carry a
 * stable code. Lambda reports an error's `name` as its `errorType`, which is what the state
 * machine's Retry and Catch match, so unknown failures become `INTERNAL` (not retried) and our
 * own codes pass through untouched.
 */
import type { Context } from 'aws-lambda';
import { CodedError, isCodedError } from '../../core/errors';

export type LambdaHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

export function lambdaHandler<Result>(
  functionName: string,
  run: (event: unknown, context: Context) => Promise<Result>,
): LambdaHandler<unknown, Result> {
  return async (event, context) => {
    try {
      return await run(event, context);
    } catch (error) {
      const coded = isCodedError(error)
        ? error
        : new CodedError('INTERNAL', `${functionName} failed unexpectedly: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      console.error(
        JSON.stringify({
          level: 'error',
          function: functionName,
          requestId: context?.awsRequestId,
          code: coded.code,
          message: coded.message,
          cause: error instanceof Error && error !== coded ? error.stack : undefined,
        }),
      );
      throw coded;
    }
  };
}
