import { createHash } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_WORKER_ROUTE, pipelineDefinition } from '../../asl/definition';
import { sendAndWaitForToken } from '../../local/send-and-wait';
import { TaskTokens } from '../../local/task-tokens';

describe('the local sqs:sendMessage.waitForTaskToken', () => {
  it('deduplicates by the SHA-256 of the token, which is what ProcessOnWorker asks Step Functions for', async () => {
    const definition = pipelineDefinition((entrypoint) => entrypoint, DEFAULT_WORKER_ROUTE) as { States: Record<string, { Parameters?: Record<string, unknown> }> };
    expect(definition.States.ProcessOnWorker?.Parameters?.['MessageDeduplicationId.$']).toBe("States.Hash($$.Task.Token, 'SHA-256')");

    const sent: { MessageDeduplicationId?: string; MessageGroupId?: string }[] = [];
    const sqs = { send: async (command: { input: object }) => sent.push(command.input) } as unknown as SQSClient;
    const tokens = new TaskTokens();
    const token = tokens.issue();
    const task = { Token: token };
    const waiting = sendAndWaitForToken(sqs, tokens)({ input: { QueueUrl: 'q', MessageBody: {}, MessageGroupId: 'job', MessageDeduplicationId: 'as aws-local-stepfunctions hashed it' }, task, heartbeatSeconds: 60, timeoutSeconds: 60 });
    await new Promise((wake) => setImmediate(wake));
    tokens.succeed(token, '{}');
    await waiting;
    expect(sent).toEqual([expect.objectContaining({ MessageGroupId: 'job', MessageDeduplicationId: createHash('sha256').update(token).digest('hex') })]);
    expect(task.Token).not.toBe(token);
  });
});
