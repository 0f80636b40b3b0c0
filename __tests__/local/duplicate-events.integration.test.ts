/**
 * S3 delivers events at least once: a duplicated event must not run the pipeline twice, whichever
 * workflow type is deployed. Standard workflows refuse a second execution of the same name; Express
 * workflows do not, so start-workflow's start lease on the job record is what holds there.
 */
import { photoLikeJpeg } from '../fixtures/images';
import { EXPRESS_TIMEOUTS } from '../stacks/support';
import { startHarness, type Harness } from './harness';


describe.each(['STANDARD', 'EXPRESS'] as const)('a duplicated S3 event on a %s workflow', (type) => {
  let harness: Harness;
  // An Express workflow needs step timeouts that fit its 5 minutes (the settings refuse the defaults).
  const settings = { IMAGE_PROCESSOR_LOCAL_WORKFLOW_TYPE: type, ...(type === 'EXPRESS' ? EXPRESS_TIMEOUTS : {}) };
  beforeAll(async () => {
    Object.assign(process.env, settings);
    try {
      harness = await startHarness();
    } finally {
      for (const name of Object.keys(settings)) delete process.env[name];
    }
  });
  afterAll(() => harness.stop());

  it('gives one job, one execution, one set of outputs and one notification', async () => {
    expect(harness.system.resources.workflowType).toBe(type);
    const created = await harness.system.upload(`${harness.system.resources.uploadsPrefix}dup/again.jpg`, await photoLikeJpeg(320, 240, { seed: 3 }));
    const eventTime = new Date();
    // Delivered twice at once: the one that finds the other holding the start lease fails
    // TRANSIENT, and Lambda's asynchronous retry delivers it again later.
    const both = await Promise.allSettled([harness.system.deliver([created], eventTime), harness.system.deliver([created], eventTime)]);
    for (const outcome of both.filter((result) => result.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ name: 'TRANSIENT', message: expect.stringContaining('another delivery') });
    }
    expect(both.some((result) => result.status === 'fulfilled')).toBe(true);
    const execution = harness.system.executionFor(created);
    expect(execution).toBeDefined();
    await execution!.settled;
    // The retry, and one more duplicate after the execution has closed.
    await harness.system.deliver([created], eventTime);
    await harness.system.deliver([created], eventTime);
    await harness.system.stepFunctions.idle();

    const executions = harness.system.stepFunctions.executions().filter((candidate) => candidate.input.includes(JSON.stringify(created.key)));
    expect(executions).toHaveLength(1);
    expect(executions[0]!.status).toBe('SUCCEEDED');
    const { jobId } = JSON.parse(execution!.input) as { jobId: string };
    const record = await harness.system.readJob(jobId);
    expect(record).toMatchObject({ status: 'SUCCEEDED', executionArn: executions[0]!.executionArn });
    expect(record?.history.filter((entry) => entry.status === 'RECEIVED')).toHaveLength(1);
    expect(record?.history.filter((entry) => entry.status === 'SUCCEEDED')).toHaveLength(1);
    expect(await harness.system.processedKeys(`${jobId}/`)).toHaveLength(7);
    const notifications = (await harness.system.notifications()).filter((notification) => notification.jobId === jobId);
    expect(notifications).toHaveLength(1);
  });
});
