/**
 * The worker as real processes on fauxqs's FIFO queues, the state machine waiting on its task
 * tokens: a SIGTERM drain with work in flight, a kill -9 mid-job, duplicated messages, poison
 * messages, and an album reprocessed in order by two workers. Every job must end exactly once:
 * one set of outputs, one notification.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { photoLikeJpeg } from '../../fixtures/images';
import { taskDeduplicationId } from '../../../handlers/entrypoints/worker/handle-message';
import { reprocessMessage } from '../../../handlers/workflow/worker-messages';
import { LocalSystem } from '../../../local/system';
import { DEFAULT_OUTPUTS } from '../harness';
import { withLocalSettings } from './stage-settings';
import { eventually, queueDepth, send, spawnWorker, type WorkerProcess } from './worker-process';

jest.setTimeout(300_000);

let system: LocalSystem;
let heavy: Buffer;
let light: Buffer;
const workers: WorkerProcess[] = [];
/** One image's decode (1600 × 1200 × 3 bytes) fits this budget, two do not: a worker runs one heavy job at a time. */
const ONE_AT_A_TIME = { WORKER_MEMORY_BUDGET_MB: '8' };

beforeAll(async () => {
  system = await withLocalSettings(
    {
      WORKER_THRESHOLD_PIXELS: '1000000',
      WORKER_QUEUE_VISIBILITY_SECONDS: '6',
      WORKER_MAX_RECEIVE_COUNT: '3',
      WORKER_HEARTBEAT_SECONDS: '60',
      WORKER_ACCEPTABLE_LATENCY_SECONDS: '30',
    },
    () => LocalSystem.start({ worker: false, retryIntervalMs: 0, concurrency: 8 }),
  );
  heavy = await photoLikeJpeg(1600, 1200);
  light = await photoLikeJpeg(800, 600);
});

// Workers left running are stopped as ECS stops them: a killed worker's open long poll could take the next test's message.
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
    await worker.result;
  }
});

afterAll(async () => system?.stop());

function worker(env: Readonly<Record<string, string>> = {}): WorkerProcess {
  const started = spawnWorker(system, env);
  workers.push(started);
  return started;
}

let uploads = 0;
async function startJob(bytes: Buffer) {
  uploads += 1;
  const object = await system.upload(`uploads/worker-test/${uploads}.jpg`, bytes);
  await system.deliver([object]);
  const execution = system.executionFor(object);
  if (!execution) throw new Error(`No execution for ${object.key}`);
  return { jobId: (JSON.parse(execution.input) as { jobId: string }).jobId, execution };
}

/** Ended once: SUCCEEDED with exactly the seven outputs in the bucket and one notification. */
async function expectSucceededOnce(jobId: string): Promise<void> {
  const record = await system.readJob(jobId);
  expect({ status: record?.status, error: record?.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
  expect(await system.processedKeys(`${jobId}/`)).toEqual(DEFAULT_OUTPUTS.map((name) => `${jobId}/${name}`));
  expect((await system.notifications()).filter((notification) => notification.jobId === jobId).map((notification) => notification.topic)).toEqual(['success']);
}

describe('a worker process', () => {
  it('on SIGTERM stops receiving, finishes what it runs, gives back what it has not started; another worker finishes the rest', async () => {
    const first = worker(ONE_AT_A_TIME);
    const jobs = [await startJob(heavy), await startJob(heavy), await startJob(heavy)];
    await first.waitFor('Taking the job.');
    await eventually('the worker to hold all three messages', async () => (await queueDepth(system, system.queues.heavy)).held === 3);
    first.child.kill('SIGTERM');
    const exited = await first.result;
    expect(exited.code).toBe(0);
    const drained = await first.waitFor('Stopped.');
    expect(drained).toMatchObject({ finished: 1, released: 2, unfinished: 0 });
    expect(await queueDepth(system, system.queues.heavy)).toEqual({ visible: 2, held: 0 });

    worker();
    for (const job of jobs) expect((await job.execution.settled).status).toBe('SUCCEEDED');
    for (const job of jobs) await expectSucceededOnce(job.jobId);
  });

  it('killed with SIGKILL mid-job: the message reappears after its visibility timeout and the job completes once', async () => {
    const first = worker(ONE_AT_A_TIME);
    const job = await startJob(heavy);
    await first.waitFor('Taking the job.', { jobId: job.jobId });
    first.child.kill('SIGKILL');
    await first.result;

    const second = worker();
    // At least its second delivery: a long poll of a worker killed earlier may still take one, as SQS's do.
    expect(Number((await second.waitFor('Taking the job.', { jobId: job.jobId })).receiveCount)).toBeGreaterThanOrEqual(2);
    expect((await job.execution.settled).status).toBe('SUCCEEDED');
    await expectSucceededOnce(job.jobId);
  });

  it('takes a message sent twice once, and a copy under another deduplication id adds no second output set or notification', async () => {
    const job = await startJob(heavy);
    await eventually('the heavy message to wait in the queue', async () => (await queueDepth(system, system.queues.heavy)).visible === 1);
    const { Messages = [] } = await system.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: system.queues.heavy, VisibilityTimeout: 0, MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] }),
    );
    const [original] = Messages;
    const body = original!.Body!;
    const token = (JSON.parse(body) as { taskToken: string }).taskToken;
    // ProcessOnWorker deduplicates by the hash of the token, which is what the worker keys its record by.
    expect(original!.Attributes?.MessageDeduplicationId).toBe(taskDeduplicationId(token));
    await send(system, system.queues.heavy, body, job.jobId, taskDeduplicationId(token));
    // Still one message (a long poll of a worker killed by the test before may hold it for a while).
    const depth = await queueDepth(system, system.queues.heavy);
    expect(depth.visible + depth.held).toBe(1);
    await send(system, system.queues.heavy, body, job.jobId, 'another-id');

    const only = worker();
    expect((await job.execution.settled).status).toBe('SUCCEEDED');
    await eventually('both copies to be taken', async () => (await queueDepth(system, system.queues.heavy)).visible + (await queueDepth(system, system.queues.heavy)).held === 0);
    await expectSucceededOnce(job.jobId);
    expect(only.lines().filter((line) => line.jobId === job.jobId && line.message === 'Processed.')).toHaveLength(1);
  });

  it('dead-letters a poison message after maxReceiveCount deliveries and ends its job FAILED with a code', async () => {
    // The queues are shared by the tests of this file: count what this test adds.
    const deadBefore = (await queueDepth(system, system.queues.heavyDeadLetter)).visible;
    const broken = worker({ PROCESSED_BUCKET: 'no-such-bucket' });
    const job = await startJob(heavy);
    await send(system, system.queues.heavy, 'not a message', 'garbage', 'garbage-1');
    const outcome = await job.execution.settled;
    expect(outcome.status).toBe('SUCCEEDED');
    const record = await system.readJob(job.jobId);
    expect(record).toMatchObject({ status: 'FAILED', error: { code: 'INTERNAL', message: expect.stringMatching(/^The worker failed 3 times: /) } });
    expect((await system.notifications()).filter((notification) => notification.jobId === job.jobId).map((notification) => notification.topic)).toEqual(['error']);
    await eventually('both poison messages in the dead-letter queue', async () => (await queueDepth(system, system.queues.heavyDeadLetter)).visible >= deadBefore + 2);
    expect(await queueDepth(system, system.queues.heavy)).toEqual({ visible: 0, held: 0 });
    expect(broken.lines().filter((line) => line.jobId === job.jobId && line.message === 'Taking the job.').map((line) => line.receiveCount)).toEqual([1, 2, 3]);
  });

  it('reprocesses an album in upload order with two workers, once per batch', async () => {
    const jobs: Awaited<ReturnType<typeof startJob>>[] = [];
    for (let index = 0; index < 4; index += 1) jobs.push(await startJob(light));
    for (const job of jobs) expect((await job.execution.settled).status).toBe('SUCCEEDED');
    const preset = { name: 'small', renditions: [{ name: 'small', width: 200 }], formats: [{ format: 'webp', quality: 70 }] };
    for (const job of jobs) {
      const message = reprocessMessage('batch-1', job.jobId, preset);
      await send(system, system.queues.reprocess, JSON.stringify(message), 'owner-1/album-1', `batch-1:${job.jobId}`);
    }
    const pair = [worker(), worker()];
    const records = async () => Promise.all(jobs.map((job) => system.readJob(job.jobId)));
    await eventually('every job reprocessed', async () => (await records()).every((record) => record?.reprocessBatches?.length === 1));
    const done = await records();
    const order = done.map((record) => record!.updatedAt);
    expect([...order].sort()).toEqual(order);
    for (const [index, job] of jobs.entries()) {
      expect(done[index]!.outputs!.map((output) => output.name)).toEqual(['small.webp']);
      expect(await system.processedKeys(`${job.jobId}/`)).toEqual([`${job.jobId}/small.webp`]);
    }
    // A worker writes its job record before its log line, and the line reaches this process later.
    const reprocessed = () => pair.flatMap((process) => process.lines().filter((line) => line.message === 'Reprocessed.'));
    await eventually('every reprocessing logged', async () => reprocessed().length >= 4);
    expect(reprocessed()).toHaveLength(4);
  });
});
