/**
 * Workers as processes of their own (`npm run worker`'s entry), against a local system started
 * without its in-process worker: what a test signals or kills is the worker itself.
 */
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalSystem } from '../../../local/system';
import { spawnEntry, type RunningCli } from '../run-cli';

export interface WorkerProcess extends RunningCli {
  /** The JSON lines it has logged so far. */
  lines(): Record<string, unknown>[];
  /** Resolves with the first line logged with `message` (and matching `where`), waiting up to `timeoutMs`. */
  waitFor(message: string, where?: Readonly<Record<string, unknown>>, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function spawnWorker(system: LocalSystem, env: Readonly<Record<string, string>> = {}): WorkerProcess {
  const running = spawnEntry('local/worker-cli.ts', [], { env: { ...system.environment, ...env }, timeoutMs: 240_000 });
  const lines = () =>
    running.output.stdout
      .split('\n')
      .filter((line) => line.startsWith('{"level"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    ...running,
    lines,
    async waitFor(message, where = {}, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = lines().find((line) => line.message === message && Object.entries(where).every(([key, value]) => line[key] === value));
        if (found) return found;
        if (running.child.exitCode !== null) throw new Error(`The worker exited (${running.child.exitCode}) before logging "${message}":\n${running.output.stdout}\n${running.output.stderr}`);
        await new Promise((wake) => setTimeout(wake, 100));
      }
      throw new Error(`The worker did not log "${message}" within ${timeoutMs} ms:\n${running.output.stdout}\n${running.output.stderr}`);
    },
  };
}

/** Waits until `check` holds, polling; fails after `timeoutMs` naming `what`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((wake) => setTimeout(wake, 200));
  }
  throw new Error(`Expected ${what} within ${timeoutMs} ms, but it did not happen.`);
}

/** Messages in a queue: waiting, and held by a consumer. */
export async function queueDepth(system: LocalSystem, queueUrl: string): Promise<{ visible: number; held: number }> {
  const { Attributes = {} } = await system.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), held: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

export async function send(system: LocalSystem, queueUrl: string, body: string, groupId: string, deduplicationId: string): Promise<void> {
  await system.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageGroupId: groupId, MessageDeduplicationId: deduplicationId }));
}
