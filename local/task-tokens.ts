/**
 * The task tokens of `.waitForTaskToken` states, as the local Step Functions endpoint keeps
 * them: a waiting task is given a token; SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat
 * (from the worker, through the endpoint) settle or refresh it; no heartbeat within
 * HeartbeatSeconds fails the task with States.HeartbeatTimeout and TimeoutSeconds with
 * States.Timeout, as in AWS. A token that is no longer waited for answers TaskTimedOut; one never
 * issued, InvalidToken.
 */
import { randomBytes } from 'node:crypto';
import { TaskFailure } from './lambda-invoke';

/** An answer the endpoint sends as a service error (`code` is its `__type`). */
export class TokenError extends Error {
  constructor(
    readonly code: 'InvalidToken' | 'TaskTimedOut',
    message: string,
  ) {
    super(message);
  }
}

interface Waiting {
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly heartbeatMs: number;
  heartbeat: NodeJS.Timeout;
  readonly timeout: NodeJS.Timeout;
}

export class TaskTokens {
  private readonly waiting = new Map<string, Waiting>();
  private readonly issued = new Set<string>();

  /** A new token (as long as AWS's are, so a message carrying one is as large). */
  issue(): string {
    const token = randomBytes(480).toString('base64url');
    this.issued.add(token);
    return token;
  }

  /** Waits for the worker's report on `token`: the output of SendTaskSuccess, or the failure it sent. */
  wait(token: string, limits: { readonly heartbeatSeconds: number; readonly timeoutSeconds: number }, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fail = (name: string, message: string) => {
        this.close(token);
        reject(new TaskFailure(name, message));
      };
      const heartbeatMs = limits.heartbeatSeconds * 1000;
      const entry: Waiting = {
        resolve,
        reject,
        heartbeatMs,
        heartbeat: setTimeout(() => fail('States.HeartbeatTimeout', `No heartbeat for the task within its HeartbeatSeconds (${limits.heartbeatSeconds}).`), heartbeatMs),
        timeout: setTimeout(() => fail('States.Timeout', `The task ran longer than its TimeoutSeconds (${limits.timeoutSeconds}).`), limits.timeoutSeconds * 1000),
      };
      this.waiting.set(token, entry);
      signal?.addEventListener('abort', () => fail('States.Runtime', 'The execution was aborted.'), { once: true });
    });
  }

  succeed(token: string, output: string): void {
    const entry = this.take(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new TokenError('InvalidToken', 'The output is not JSON.');
    }
    entry.resolve(parsed);
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const entry = this.take(token);
    entry.reject(new TaskFailure(error ?? 'States.TaskFailed', cause ?? ''));
  }

  heartbeat(token: string): void {
    const entry = this.find(token);
    clearTimeout(entry.heartbeat);
    entry.heartbeat = setTimeout(() => {
      this.close(token);
      entry.reject(new TaskFailure('States.HeartbeatTimeout', 'No heartbeat for the task within its HeartbeatSeconds.'));
    }, entry.heartbeatMs);
  }

  private take(token: string): Waiting {
    const entry = this.find(token);
    this.close(token);
    return entry;
  }

  private find(token: string): Waiting {
    const entry = this.waiting.get(token);
    if (entry) return entry;
    if (this.issued.has(token)) throw new TokenError('TaskTimedOut', 'Task Timed Out: the task no longer waits for this token.');
    throw new TokenError('InvalidToken', 'Invalid Token: no task was given this token.');
  }

  private close(token: string): void {
    const entry = this.waiting.get(token);
    if (!entry) return;
    clearTimeout(entry.heartbeat);
    clearTimeout(entry.timeout);
    this.waiting.delete(token);
  }
}
