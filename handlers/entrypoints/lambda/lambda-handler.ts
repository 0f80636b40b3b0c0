/**
 * The one wrapper every Lambda entrypoint uses: give the invocation its telemetry (a logger whose
 * lines carry the job and upload, and the metrics), time the step, and make whatever it throws
 * carry a stable code. Lambda reports an error's `name` as its `errorType`, which is what the
 * state machine's Retry and Catch match, so unknown failures become `INTERNAL` (not retried) and
 * our own codes pass through untouched.
 */
import type { Context } from 'aws-lambda';
import { CodedError, isCodedError } from '../../core/errors';
import { MANIFEST, type FunctionName } from '../../runtime/manifest';
import { recordStepDuration } from '../../runtime/outcome-telemetry';
import { invocationTelemetry, type Telemetry } from '../../runtime/telemetry';

export type LambdaHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** The keys that tie a line to its job, read before the event is checked (a malformed event still logs what it has). */
function correlationKeys(event: unknown): Record<string, string> {
  const { jobId, source } = (typeof event === 'object' && event !== null ? event : {}) as { jobId?: unknown; source?: { key?: unknown } };
  return {
    ...(typeof jobId === 'string' ? { jobId } : {}),
    ...(typeof source?.key === 'string' ? { upload: source.key } : {}),
  };
}

export function lambdaHandler<Result>(
  entrypoint: FunctionName,
  run: (event: unknown, context: Context, telemetry: Telemetry) => Promise<Result>,
): LambdaHandler<unknown, Result> {
  const timed = MANIFEST[entrypoint].trigger === 'task';
  return async (event, context) => {
    const telemetry = invocationTelemetry(entrypoint, context, correlationKeys(event));
    const started = performance.now();
    try {
      return await run(event, context, telemetry);
    } catch (error) {
      const coded = isCodedError(error)
        ? error
        : new CodedError('INTERNAL', `${entrypoint} failed unexpectedly: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      telemetry.logger.error(coded.message, { code: coded.code, ...(error !== coded && error instanceof Error ? { error } : {}) });
      throw coded;
    } finally {
      if (timed) recordStepDuration(entrypoint, performance.now() - started, telemetry);
    }
  };
}
