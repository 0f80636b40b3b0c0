/**
 * The reconciler function on the emulators: the sweep, as the schedule invokes it, ends a job whose
 * execution never started, and leaves a running one alone.
 */
import { DynamoJobStore } from '../../handlers/adapters/job-store';
import { entrypointTriggeredBy } from '../../handlers/runtime/manifest';
import { loadHandler } from '../../local/functions';
import { invokeLambda } from '../../local/lambda-invoke';
import { startHarness, type Harness } from './harness';


let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());

async function sweep(at: Date): Promise<unknown> {
  const entrypoint = entrypointTriggeredBy('workflow-status');
  const event = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', time: at.toISOString(), detail: {} };
  return invokeLambda(harness.system.resources.functions[entrypoint], await loadHandler(entrypoint), event);
}

describe('the reconciler’s sweep', () => {
  it('ends a job whose workflow never started once it is older than an execution may run, and publishes its error once', async () => {
    const created = new Date('2026-12-01T08:00:00.000Z');
    const store = new DynamoJobStore(harness.system.clients.dynamodb, harness.system.resources.jobsTable.name, { now: () => created });
    const source = { bucket: harness.system.resources.rawBucket, key: 'uploads/lost/cat.jpg', size: 100 };
    await store.create({ jobId: 'lost-cat', source, receivedAt: created.toISOString() });

    expect(await sweep(new Date('2026-12-01T08:30:00.000Z'))).toEqual({ reconciled: [] });
    expect((await harness.system.readJob('lost-cat'))?.status).toBe('RECEIVED');

    const result = await sweep(new Date('2026-12-01T10:00:00.000Z'));
    expect(result).toEqual({ reconciled: [{ jobId: 'lost-cat', outcome: 'failed', published: true, code: 'INTERNAL', reason: expect.stringContaining('no workflow execution was ever started') }] });
    expect(await harness.system.readJob('lost-cat')).toMatchObject({
      status: 'FAILED',
      notified: 'error',
      error: { code: 'INTERNAL', message: expect.stringContaining('no workflow execution was ever started for it') },
    });
    expect(await sweep(new Date('2026-12-01T10:15:00.000Z'))).toEqual({ reconciled: [] });
    const notifications = (await harness.system.notifications()).filter((notification) => notification.jobId === 'lost-cat');
    expect(notifications).toEqual([expect.objectContaining({ topic: 'error' })]);
  });

  it('says which field is wrong in an event it does not understand', async () => {
    const entrypoint = entrypointTriggeredBy('workflow-status');
    await expect(invokeLambda(harness.system.resources.functions[entrypoint], await loadHandler(entrypoint), { 'detail-type': 'Object Created' })).rejects.toMatchObject({
      name: 'INVALID_INPUT',
    });
  });
});
