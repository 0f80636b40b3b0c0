/**
 * The local Step Functions endpoint, reached with the real SDK client over HTTP (JSON 1.0 protocol):
 * StartExecution idempotency as AWS documents it for Standard workflows, DescribeExecution,
 * errors the SDK maps to its exception classes, and the concurrency limit.
 */
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionContext, ExecutionOutcome } from '../../local/state-machine';
import { StepFunctionsServer } from '../../local/step-functions-server';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline';

/** A machine whose executions each take `wait`: milliseconds, or until a promise settles (when a test must see one running). */
function fakeMachine(wait: number | Promise<unknown> = 50) {
  const runs: { input: unknown; context: ExecutionContext }[] = [];
  let running = 0;
  let maxRunning = 0;
  const machine = {
    async run(input: unknown, context: ExecutionContext): Promise<ExecutionOutcome> {
      runs.push({ input, context });
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await (typeof wait === 'number' ? new Promise((resolve) => setTimeout(resolve, wait)) : wait);
      running -= 1;
      if ((input as { fail?: boolean }).fail) return { status: 'FAILED', error: 'INTERNAL', cause: 'broken', events: [] };
      return { status: 'SUCCEEDED', output: { echoed: input }, events: [] };
    },
  };
  return { machine, runs, maxRunning: () => maxRunning };
}

/** Executions that wait until the test calls `finish`: what a test must see running stays running, however slow the machine. */
function hold() {
  let finish = () => {};
  const held = new Promise<void>((resolve) => (finish = resolve));
  return { held, finish };
}

async function withServer(wait: number | Promise<unknown>, concurrency: number, test: (server: StepFunctionsServer, sfn: SFNClient, fake: ReturnType<typeof fakeMachine>) => Promise<void>) {
  const fake = fakeMachine(wait);
  const server = await StepFunctionsServer.start({ stateMachineArn: STATE_MACHINE_ARN, machine: fake.machine, concurrency });
  const sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await test(server, sfn, fake);
  } finally {
    sfn.destroy();
    await server.close();
  }
}

describe('local Step Functions endpoint', () => {
  it('starts an execution and describes it until it succeeds', () => {
    const { held, finish } = hold();
    return withServer(held, 2, async (server, sfn, fake) => {
      const input = JSON.stringify({ jobId: 'a' });
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'job-a', input }));
      expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:pipeline:job-a');
      expect(started.startDate).toBeInstanceOf(Date);
      const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(running).toMatchObject({ status: 'RUNNING', name: 'job-a', input, stateMachineArn: STATE_MACHINE_ARN });
      finish();
      await server.idle();
      const done = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(done).toMatchObject({ status: 'SUCCEEDED', output: JSON.stringify({ echoed: { jobId: 'a' } }) });
      expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
      expect(fake.runs[0]!.context).toMatchObject({ executionArn: started.executionArn, name: 'job-a', stateMachineName: 'pipeline' });
    });
  });

  it('returns the running execution for the same name and input, without a second run', () => {
    const { held, finish } = hold();
    return withServer(held, 2, async (server, sfn, fake) => {
      const request = { stateMachineArn: STATE_MACHINE_ARN, name: 'job-b', input: '{"jobId":"b"}' };
      const first = await sfn.send(new StartExecutionCommand(request));
      const second = await sfn.send(new StartExecutionCommand(request));
      expect(second.executionArn).toBe(first.executionArn);
      expect(second.startDate).toEqual(first.startDate);
      finish();
      await server.idle();
      expect(fake.runs).toHaveLength(1);
    });
  });

  it('refuses the same name with a different input, and any reuse of a closed execution name', () =>
    withServer(50, 2, async (server, sfn, fake) => {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'job-c', input: '{"jobId":"c"}' }));
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'job-c', input: '{"jobId":"other"}' }))).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
        $metadata: { httpStatusCode: 400 },
      });
      await server.idle();
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'job-c', input: '{"jobId":"c"}' }))).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
      });
      expect(fake.runs).toHaveLength(1);
    }));

  it('reports a failed execution with its error and cause', () =>
    withServer(0, 1, async (server, sfn) => {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'job-d', input: '{"fail":true}' }));
      await server.idle();
      expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'FAILED', error: 'INTERNAL', cause: 'broken' });
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN, statusFilter: 'FAILED' }));
      expect(listed.executions?.map((execution) => execution.name)).toEqual(['job-d']);
    }));

  it('answers with the errors the SDK knows', () =>
    withServer(0, 1, async (_server, sfn) => {
      await expect(sfn.send(new DescribeExecutionCommand({ executionArn: `${STATE_MACHINE_ARN.replace('stateMachine', 'execution')}:nope` }))).rejects.toMatchObject({
        name: 'ExecutionDoesNotExist',
      });
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: `${STATE_MACHINE_ARN}-other`, name: 'x' }))).rejects.toMatchObject({
        name: 'StateMachineDoesNotExist',
      });
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'has space' }))).rejects.toMatchObject({ name: 'InvalidName' });
      await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'y', input: '{not json' }))).rejects.toMatchObject({
        name: 'InvalidExecutionInput',
      });
    }));

  it('runs at most `concurrency` executions at once and queues the rest as RUNNING', () => {
    const { held, finish } = hold();
    return withServer(held, 3, async (server, sfn, fake) => {
      await Promise.all(
        Array.from({ length: 10 }, (_, index) => sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: `job-${index}`, input: '{}' }))),
      );
      expect(server.executions().every((execution) => execution.status === 'RUNNING')).toBe(true);
      finish();
      await server.idle();
      expect(fake.runs).toHaveLength(10);
      expect(fake.maxRunning()).toBe(3);
      expect(server.executions().every((execution) => execution.status === 'SUCCEEDED')).toBe(true);
    });
  });
});
