import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CodedError } from '../../../handlers/core/errors';
import { JOB_STATUSES, statusRank, type JobStatus } from '../../../handlers/core/job-status';
import { DynamoJobStore } from '../../../handlers/adapters/job-store';
import { jobsTableDefinition, openShardOf } from '../../../handlers/adapters/job-table';
import type { JobInput, OutputRecord } from '../../../handlers/workflow/events';
import { useEmulators } from '../../support/emulators';
import { startJsonProtocolServer } from '../../support/json-protocol-server';

useEmulators();
const TABLE = 'adapter-jobs';
const NOW = new Date('2026-03-01T12:00:00.000Z');

let client: DynamoDBClient;
let store: DynamoJobStore;
let jobCount = 0;

beforeAll(async () => {
  client = new DynamoDBClient({});
  await client.send(new CreateTableCommand(jobsTableDefinition(TABLE)));
  store = new DynamoJobStore(client, TABLE, { ttlDays: 7, now: () => NOW });
});

afterAll(() => client.destroy());

function newJob(): JobInput {
  jobCount += 1;
  return {
    jobId: `photo-jpg-${String(jobCount).padStart(4, '0')}`,
    source: { bucket: 'raw-uploads', key: `uploads/photo-${jobCount}.jpg`, size: 1234, etag: '"abc"' },
    receivedAt: '2026-03-01T11:59:58.000Z',
  };
}

const OUTPUT: OutputRecord = {
  name: 'thumb',
  filter: null,
  format: 'webp',
  width: 320,
  height: 240,
  bytes: 9876,
  bucket: 'processed',
  key: 'photo/thumb.webp',
};

describe('DynamoJobStore', () => {
  it('creates a job as RECEIVED with its source, history and TTL', async () => {
    const job = newJob();
    await expect(store.create(job)).resolves.toEqual({ created: true });
    await expect(store.get(job.jobId)).resolves.toEqual({
      jobId: job.jobId,
      status: 'RECEIVED',
      source: job.source,
      receivedAt: job.receivedAt,
      updatedAt: NOW.toISOString(),
      expiresAt: NOW.getTime() / 1000 + 7 * 86_400,
      history: [{ status: 'RECEIVED', at: NOW.toISOString() }],
      openShard: openShardOf(job.jobId),
      openSince: NOW.toISOString(),
    });
  });

  it('treats a second create of the same job as a duplicate and keeps the first record', async () => {
    const job = newJob();
    await store.create(job);
    await store.advance(job.jobId, 'VALIDATING');
    await expect(store.create({ ...job, receivedAt: '2030-01-01T00:00:00.000Z' })).resolves.toEqual({ created: false });
    await expect(store.get(job.jobId)).resolves.toMatchObject({ status: 'VALIDATING', receivedAt: job.receivedAt });
  });

  it('advances forward, recording fields, updatedAt and every step in history', async () => {
    const job = newJob();
    let clock = NOW.getTime();
    const ticking = new DynamoJobStore(client, TABLE, { now: () => new Date((clock += 1000)) });
    await ticking.create(job);

    await expect(ticking.advance(job.jobId, 'VALIDATING')).resolves.toMatchObject({ applied: true });
    await expect(ticking.advance(job.jobId, 'PROCESSING', { details: { format: 'jpeg', width: 4000 } })).resolves.toMatchObject({ applied: true });
    await expect(ticking.advance(job.jobId, 'PROCESSING')).resolves.toMatchObject({ applied: true }); // a retried state
    await expect(ticking.advance(job.jobId, 'OPTIMIZING')).resolves.toMatchObject({ applied: true });
    const succeeded = await ticking.advance(job.jobId, 'SUCCEEDED', { outputs: [OUTPUT] });

    const record = await ticking.get(job.jobId);
    // The write hands back the job as it left it: what NotifySuccess reads the durations from.
    expect(succeeded).toEqual({ applied: true, record });
    expect(record).toMatchObject({
      status: 'SUCCEEDED',
      outputs: [OUTPUT],
      details: { format: 'jpeg', width: 4000 },
      updatedAt: new Date(NOW.getTime() + 6000).toISOString(),
      expiresAt: (NOW.getTime() + 1000) / 1000 + 30 * 86_400, // the default TTL, from creation
    });
    expect(record?.history.map((entry) => entry.status)).toEqual(['RECEIVED', 'VALIDATING', 'PROCESSING', 'PROCESSING', 'OPTIMIZING', 'SUCCEEDED']);
    expect(record?.error).toBeUndefined();
  });

  it('refuses to move a job backwards and says where it is', async () => {
    const job = newJob();
    await store.create(job);
    await store.advance(job.jobId, 'OPTIMIZING');

    await expect(store.advance(job.jobId, 'VALIDATING')).resolves.toEqual({ applied: false, current: 'OPTIMIZING' });
    await expect(store.advance(job.jobId, 'RECEIVED')).resolves.toEqual({ applied: false, current: 'OPTIMIZING' });
    const record = await store.get(job.jobId);
    expect(record?.status).toBe('OPTIMIZING');
    expect(record?.history.map((entry) => entry.status)).toEqual(['RECEIVED', 'OPTIMIZING']);
  });

  it('keeps a terminal job terminal, allowing only an identical repeat', async () => {
    const job = newJob();
    await store.create(job);
    const error = new CodedError('CORRUPT', 'The JPEG data ends before the image does.');
    await expect(store.advance(job.jobId, 'FAILED', { error })).resolves.toMatchObject({ applied: true });

    await expect(store.advance(job.jobId, 'SUCCEEDED', { outputs: [OUTPUT] })).resolves.toEqual({ applied: false, current: 'FAILED' });
    await expect(store.advance(job.jobId, 'OPTIMIZING')).resolves.toEqual({ applied: false, current: 'FAILED' });
    await expect(store.advance(job.jobId, 'FAILED', { error })).resolves.toMatchObject({ applied: true });

    const record = await store.get(job.jobId);
    expect(record).toMatchObject({ status: 'FAILED', error: { code: 'CORRUPT', message: 'The JPEG data ends before the image does.' } });
    expect(record?.error).toEqual({ code: 'CORRUPT', message: 'The JPEG data ends before the image does.' }); // a plain map, not the Error
    expect(record?.outputs).toBeUndefined();
  });

  it('does not advance a job that was never created', async () => {
    await expect(store.advance('never-created', 'PROCESSING')).resolves.toEqual({ applied: false });
    await expect(store.get('never-created')).resolves.toBeUndefined();
  });

  it('lets concurrent writers apply only transitions that never go backwards', async () => {
    const job = newJob();
    await store.create(job);
    const attempts: JobStatus[] = [...JOB_STATUSES, ...JOB_STATUSES, ...JOB_STATUSES].reverse();

    const results = await Promise.all(attempts.map((status) => store.advance(job.jobId, status)));

    const applied = attempts.filter((_, index) => results[index]?.applied);
    const terminals = new Set(applied.filter((status) => status === 'SUCCEEDED' || status === 'FAILED'));
    expect(terminals.size).toBe(1); // whichever terminal status landed first excludes the other
    const record = await store.get(job.jobId);
    const history = record?.history.map((entry) => entry.status) ?? [];
    expect(history).toHaveLength(applied.length + 1);
    expect(history.map(statusRank)).toEqual([...history.map(statusRank)].sort((a, b) => a - b));
    expect(record?.status).toBe([...terminals][0]);
    for (const [index, result] of results.entries()) {
      if (!result.applied) expect(result.current && statusRank(result.current)).toBeGreaterThanOrEqual(statusRank(attempts[index]!));
    }
  });
});

describe('DynamoJobStore against DynamoDB responses the emulator cannot produce', () => {
  it('reads the current status from the item DynamoDB returns with a failed condition, without another read', async () => {
    const server = await startJsonProtocolServer(() => ({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: { jobId: { S: 'job-1' }, status: { S: 'SUCCEEDED' } },
      },
    }));
    const remote = new DynamoDBClient({ endpoint: server.endpoint, maxAttempts: 1 });
    try {
      await expect(new DynamoJobStore(remote, TABLE).advance('job-1', 'PROCESSING')).resolves.toEqual({ applied: false, current: 'SUCCEEDED' });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]).toMatchObject({
        target: 'DynamoDB_20120810.UpdateItem',
        body: {
          TableName: TABLE,
          Key: { jobId: { S: 'job-1' } },
          ConditionExpression: '#status IN (:from0, :from1, :from2)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    } finally {
      remote.destroy();
      await server.close();
    }
  });

  it.each([
    [500, 'com.amazonaws.dynamodb.v20120810#InternalServerError'],
    [400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException'],
  ])('maps a %i %s to TRANSIENT', async (status, type) => {
    const server = await startJsonProtocolServer(() => ({ status, body: { __type: type, message: 'try again later' } }));
    const remote = new DynamoDBClient({ endpoint: server.endpoint, maxAttempts: 1 });
    try {
      const failing = new DynamoJobStore(remote, TABLE);
      await expect(failing.advance('job-1', 'PROCESSING')).rejects.toMatchObject({ code: 'TRANSIENT', name: 'TRANSIENT' });
      await expect(failing.create(newJob())).rejects.toMatchObject({ code: 'TRANSIENT' });
      await expect(failing.get('job-1')).rejects.toMatchObject({ code: 'TRANSIENT', message: expect.stringContaining('DynamoDB GetItem') });
    } finally {
      remote.destroy();
      await server.close();
    }
  });

  describe('the start lease', () => {
    it('lets one delivery claim a job, the others wait until it expires, and none once started', async () => {
      let now = NOW;
      const clocked = new DynamoJobStore(client, TABLE, { now: () => now });
      const job = newJob();
      await clocked.create(job);
      await expect(clocked.claimStart(job.jobId, 30)).resolves.toEqual({ outcome: 'claimed' });
      await expect(clocked.claimStart(job.jobId, 30)).resolves.toEqual({ outcome: 'busy' });
      now = new Date(NOW.getTime() + 31_000);
      await expect(clocked.claimStart(job.jobId, 30)).resolves.toEqual({ outcome: 'claimed' });
      await clocked.recordStarted(job.jobId, 'arn:aws:states:us-east-1:000000000000:execution:m:e');
      await expect(clocked.claimStart(job.jobId, 30)).resolves.toEqual({ outcome: 'started', executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e' });
      const record = await clocked.get(job.jobId);
      expect(record?.startLeaseUntil).toBeUndefined();
    });

    it('is given back at once by releaseStart', async () => {
      const job = newJob();
      await store.create(job);
      await store.claimStart(job.jobId, 300);
      await store.releaseStart(job.jobId);
      await expect(store.claimStart(job.jobId, 300)).resolves.toEqual({ outcome: 'claimed' });
    });

    it('refuses to claim a job that was never recorded', async () => {
      await expect(store.claimStart('never-recorded', 30)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('never-recorded') });
    });
  });

  describe('the notification marker', () => {
    it('is recorded once, and every later advance reports it', async () => {
      const job = newJob();
      await store.create(job);
      await expect(store.advance(job.jobId, 'SUCCEEDED', { outputs: [OUTPUT] })).resolves.not.toHaveProperty('notified');
      await expect(store.markNotified(job.jobId, 'success')).resolves.toEqual({ marked: true });
      await expect(store.markNotified(job.jobId, 'success')).resolves.toEqual({ marked: false });
      await expect(store.advance(job.jobId, 'SUCCEEDED', { outputs: [OUTPUT] })).resolves.toMatchObject({ applied: true, notified: 'success' });
      await expect(store.advance(job.jobId, 'FAILED')).resolves.toEqual({ applied: false, current: 'SUCCEEDED', notified: 'success' });
      expect(await store.get(job.jobId)).toMatchObject({ notified: 'success', notifiedAt: NOW.toISOString() });
    });
  });

  describe('the open-jobs index', () => {
    it('lists the jobs still open that were created before a time, and forgets a job once it ends', async () => {
      let now = new Date('2031-01-01T00:00:00.000Z');
      const clocked = new DynamoJobStore(client, TABLE, { now: () => now });
      const old = [newJob(), newJob(), newJob()];
      for (const job of old) await clocked.create(job);
      now = new Date('2031-01-01T02:00:00.000Z');
      const recent = newJob();
      await clocked.create(recent);
      await clocked.advance(old[1]!.jobId, 'VALIDATING');
      await clocked.advance(old[2]!.jobId, 'FAILED', { error: { code: 'CORRUPT', message: 'damaged' } });

      const stale = await clocked.listOpenBefore(new Date('2031-01-01T01:00:00.000Z'), 100);
      expect(stale.filter((id) => [...old, recent].some((job) => job.jobId === id)).sort()).toEqual([old[0]!.jobId, old[1]!.jobId].sort());
      expect((await clocked.get(old[2]!.jobId))?.openShard).toBeUndefined();
    });

    it('stops at the limit', async () => {
      const at = new Date('2032-01-01T00:00:00.000Z');
      const clocked = new DynamoJobStore(client, TABLE, { now: () => at });
      for (let index = 0; index < 5; index++) await clocked.create(newJob());
      expect(await clocked.listOpenBefore(new Date('2033-01-01T00:00:00.000Z'), 3)).toHaveLength(3);
    });
  });
});
