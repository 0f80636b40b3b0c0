/**
 * Reports on a `.waitForTaskToken` task by its token: heartbeats while the worker works, then
 * the outputs or the stable error code. A token Step Functions no longer waits for (the task
 * timed out, its execution ended, or it was already reported) is `gone`, not an error: the worker
 * then has nothing more to tell anyone.
 */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { JobError } from '../workflow/events';
import { toAdapterError } from './aws-errors';

/** Step Functions' answers for a token it no longer waits for. */
const GONE: ReadonlySet<string> = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Step Functions caps a failure's `cause` at 32,768 characters and its `error` at 256. */
const MAX_CAUSE = 32_768;
const MAX_ERROR = 256;

export class StepFunctionsTaskCallbacks {
  constructor(private readonly client: SFNClient) {}

  heartbeat(taskToken: string): Promise<'ok' | 'gone'> {
    return this.send('Step Functions SendTaskHeartbeat', () => this.client.send(new SendTaskHeartbeatCommand({ taskToken })));
  }

  succeed(taskToken: string, output: unknown): Promise<'ok' | 'gone'> {
    return this.send('Step Functions SendTaskSuccess', () => this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  fail(taskToken: string, error: JobError): Promise<'ok' | 'gone'> {
    const command = new SendTaskFailureCommand({ taskToken, error: String(error.code).slice(0, MAX_ERROR), cause: error.message.slice(0, MAX_CAUSE) });
    return this.send('Step Functions SendTaskFailure', () => this.client.send(command));
  }

  private async send(operation: string, call: () => Promise<unknown>): Promise<'ok' | 'gone'> {
    try {
      await call();
      return 'ok';
    } catch (error) {
      // Matched by name (the service's error code), which a second copy of the SDK cannot defeat.
      if (GONE.has(String((error as { name?: unknown } | null)?.name))) return 'gone';
      throw toAdapterError(operation, error);
    }
  }
}
