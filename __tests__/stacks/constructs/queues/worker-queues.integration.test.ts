/**
 * The worker's FIFO queues as both stages synthesize them: heavy.fifo and reprocess.fifo, each
 * redriven to a FIFO dead-letter queue kept 14 days that takes redrives from its own queue only;
 * explicit deduplication ids in per-group high-throughput mode; encrypted; a visibility timeout
 * the heartbeat outlasts.
 */
import { synthJson, resources, testStack, type TerraformJson } from '../../support';

const stages: Record<string, TerraformJson> = {};
beforeAll(async () => {
  for (const stage of ['dev', 'prod']) stages[stage] = synthJson(await testStack({ stage }));
});

const queue = (json: TerraformJson, id: string) => resources(json, 'aws_sqs_queue')[id];

describe.each(['dev', 'prod'])('the worker queues of %s', (stage) => {
  it.each(['heavy', 'reprocess'])('%s.fifo is FIFO with explicit deduplication ids, high-throughput, encrypted, long-polled', (kind) => {
    const json = stages[stage]!;
    const main = queue(json, `queues_${kind}`);
    const deadLetter = queue(json, `queues_${kind}_dlq`);
    for (const fifo of [main, deadLetter]) {
      expect(fifo).toMatchObject({
        fifo_queue: true,
        content_based_deduplication: false,
        deduplication_scope: 'messageGroup',
        fifo_throughput_limit: 'perMessageGroupId',
        kms_master_key_id: '${aws_kms_key.key_key.arn}',
      });
    }
    expect(main.name).toBe(`image-processor-${stage}-${kind}.fifo`);
    expect(deadLetter.name).toBe(`image-processor-${stage}-${kind}-dlq.fifo`);
    expect(main).toMatchObject({ visibility_timeout_seconds: 60, receive_wait_time_seconds: 20, message_retention_seconds: 4 * 86_400 });
    expect(deadLetter.message_retention_seconds).toBe(14 * 86_400);
    expect(JSON.parse(main.redrive_policy)).toEqual({ deadLetterTargetArn: `\${aws_sqs_queue.queues_${kind}_dlq.arn}`, maxReceiveCount: 3 });
  });

  it('lets each dead-letter queue take redrives from its own queue only', () => {
    const allow = resources(stages[stage]!, 'aws_sqs_queue_redrive_allow_policy');
    for (const kind of ['heavy', 'reprocess']) {
      expect(allow[`queues_${kind}_dlq_redrive_allow`].queue_url).toBe(`\${aws_sqs_queue.queues_${kind}_dlq.url}`);
      expect(JSON.parse(allow[`queues_${kind}_dlq_redrive_allow`].redrive_allow_policy)).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [`\${aws_sqs_queue.queues_${kind}.arn}`] });
    }
  });
});

describe('queue settings', () => {
  it('sets maxReceiveCount, the visibility timeout and SQS-managed encryption from settings', async () => {
    const json = synthJson(
      await testStack({ env: { IMAGE_PROCESSOR_WORKER_MAX_RECEIVE_COUNT: '5', IMAGE_PROCESSOR_WORKER_QUEUE_VISIBILITY_SECONDS: '90', IMAGE_PROCESSOR_WORKER_QUEUE_ENCRYPTION: 'sqs-managed' } }),
    );
    const heavy = queue(json, 'queues_heavy');
    expect(JSON.parse(heavy.redrive_policy).maxReceiveCount).toBe(5);
    expect(heavy.visibility_timeout_seconds).toBe(90);
    for (const id of ['queues_heavy', 'queues_heavy_dlq', 'queues_reprocess', 'queues_reprocess_dlq']) {
      expect(queue(json, id)).toMatchObject({ sqs_managed_sse_enabled: true });
      expect(queue(json, id).kms_master_key_id).toBeUndefined();
    }
  });

  it('refuses a visibility timeout the heartbeat does not outlast', () => {
    return expect(testStack({ env: { IMAGE_PROCESSOR_WORKER_QUEUE_VISIBILITY_SECONDS: '900' } })).rejects.toThrow(/workerHeartbeatSeconds \(900\) to exceed workerQueueVisibilitySeconds/);
  });
});
