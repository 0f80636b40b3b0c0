/**
 * The `sqs:sendMessage.waitForTaskToken` integration, locally: the Task's SendMessage parameters
 * go to fauxqs as Step Functions would send them (the body serialized as JSON), then the task
 * waits on its token in the endpoint's {@link TaskTokens} until the worker reports, heartbeats
 * run out, or TimeoutSeconds passes. A failed SendMessage is `SQS.<exception>`, as Step Functions
 * names the service's errors.
 *
 * One correction: aws-local-stepfunctions' `States.Hash(…, 'SHA-256')` is wrong for input longer
 * than one SHA-256 block (55 bytes), and a task token is longer. The definition deduplicates the
 * message by the hash of its token, so the deduplication id sent is that hash, computed right.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { taskDeduplicationId } from '../handlers/entrypoints/worker/handle-message';
import { TaskFailure } from './lambda-invoke';
import type { TaskTokens } from './task-tokens';

/** The context object's `Task`: its token, replaced for each attempt of the state. */
export interface TaskContext {
  Token: string;
}

export interface IntegrationCall {
  readonly input: unknown;
  readonly task: TaskContext;
  readonly heartbeatSeconds: number;
  readonly timeoutSeconds: number;
  readonly signal?: AbortSignal | undefined;
}

export type Integration = (call: IntegrationCall) => Promise<unknown>;

interface SendParameters {
  readonly QueueUrl?: unknown;
  readonly MessageBody?: unknown;
  readonly MessageGroupId?: unknown;
  readonly MessageDeduplicationId?: unknown;
}

export function sendAndWaitForToken(sqs: SQSClient, tokens: TaskTokens): Integration {
  return async ({ input, task, heartbeatSeconds, timeoutSeconds, signal }) => {
    const token = task.Token;
    // The next attempt of the state gets a token of its own, as in AWS.
    task.Token = tokens.issue();
    const parameters = (input ?? {}) as SendParameters;
    const waiting = tokens.wait(token, { heartbeatSeconds, timeoutSeconds }, signal);
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: String(parameters.QueueUrl),
          MessageBody: typeof parameters.MessageBody === 'string' ? parameters.MessageBody : JSON.stringify(parameters.MessageBody),
          ...(parameters.MessageGroupId === undefined ? {} : { MessageGroupId: String(parameters.MessageGroupId) }),
          ...(parameters.MessageDeduplicationId === undefined ? {} : { MessageDeduplicationId: taskDeduplicationId(token) }),
        }),
      );
    } catch (error) {
      tokens.fail(token, undefined, undefined);
      await waiting.catch(() => {});
      throw new TaskFailure('SQS.AmazonSQSException', `SendMessage to ${String(parameters.QueueUrl)} failed: ${(error as Error)?.message ?? String(error)}`);
    }
    return waiting;
  };
}
