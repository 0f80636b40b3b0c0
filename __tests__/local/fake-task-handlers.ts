/**
 * Stand-in task handlers that honour the payload contracts of handlers/workflow/events.ts, for
 * testing the local state machine and endpoint without images or emulators. Each records the
 * events and contexts it received.
 */
import type { Context } from 'aws-lambda';
import { CodedError } from '../../handlers/core/errors';
import type { TaskEntrypointName } from '../../handlers/runtime/manifest';
import { describeFailure, type FailedState } from '../../handlers/workflow/failure';
import type { LocalFunction } from '../../local/lambda-context';
import type { Handler } from '../../local/lambda-invoke';
import { localResources } from '../../local/resources';

export interface Call {
  readonly entrypoint: TaskEntrypointName;
  readonly event: Record<string, unknown>;
  readonly context: Context;
  readonly remainingMs: number;
}

export function fakeHandlers(options: { invalid?: (key: string) => boolean; slowMs?: number } = {}) {
  const calls: Call[] = [];
  const outcomes = new Map<string, { code?: string; message?: string; outputs?: unknown }>();
  const record = (entrypoint: TaskEntrypointName, event: unknown, context: Context) =>
    calls.push({ entrypoint, event: event as Record<string, unknown>, context, remainingMs: context.getRemainingTimeInMillis() });
  const pause = () => new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 0));
  const master = (jobId: string) => ({ bucket: 'processed', key: `_work/${jobId}/master.raw`, width: 64, height: 48, channels: 3 });
  const handlers: Record<TaskEntrypointName, Handler> = {
    validate: async (event, context) => {
      record('validate', event, context);
      await pause();
      const { jobId, source } = event as { jobId: string; source: { key: string } };
      if (options.invalid?.(source.key)) {
        return { valid: false, error: { code: 'CORRUPT', message: `${source.key} is damaged.` } };
      }
      return { valid: true, format: 'jpeg', width: 64, height: 48, pages: 1, bytes: 1234, master: master(jobId) };
    },
    resize: async (event, context) => {
      record('resize', event, context);
      await pause();
      const { jobId } = event as { jobId: string };
      return { renditions: [{ name: 'thumb', rendition: 'thumb', filter: null, raw: master(jobId) }] };
    },
    filters: async (event, context) => {
      record('filters', event, context);
      await pause();
      const { jobId } = event as { jobId: string };
      return { renditions: [{ name: 'medium-grayscale', rendition: 'medium', filter: 'grayscale', raw: master(jobId) }] };
    },
    optimize: async (event, context) => {
      record('optimize', event, context);
      await pause();
      const { jobId, resized, filtered } = event as { jobId: string; resized: unknown[]; filtered: unknown[] };
      const outputs = [...resized, ...filtered].map((_, index) => ({
        name: `out-${index}.webp`,
        filter: null,
        format: 'webp',
        width: 64,
        height: 48,
        bytes: 100,
        bucket: 'processed',
        key: `${jobId}/out-${index}.webp`,
      }));
      return { outputs };
    },
    'notify-success': async (event, context) => {
      record('notify-success', event, context);
      const { jobId, outputs } = event as { jobId: string; outputs: unknown };
      outcomes.set(jobId, { outputs });
      return undefined;
    },
    'notify-error': async (event, context) => {
      record('notify-error', event, context);
      const { jobId } = event as { jobId: string };
      const error = describeFailure(event as FailedState);
      outcomes.set(jobId, { code: String(error.code), message: error.message });
      return { code: error.code };
    },
  };
  return { handlers, calls, outcomes };
}

/** Replaces one handler by one that throws `new CodedError(code, message)` (or any Error). */
export function throwing(error: Error): Handler {
  return async () => {
    throw error;
  };
}

export function imageError(code: ConstructorParameters<typeof CodedError>[0], message = `failed with ${code}`): CodedError {
  return new CodedError(code, message);
}

/** The local functions of the default stage with every timeout replaced. */
export function functionsWithTimeout(seconds?: number): Record<string, LocalFunction> & ReturnType<typeof localResources>['functions'] {
  const { functions } = localResources();
  if (seconds === undefined) return { ...functions };
  return Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, { ...fn, timeoutSeconds: seconds }])) as never;
}
