/**
 * What every Lambda entrypoint writes besides its result: JSON log lines carrying the job, the
 * upload and the invocation (request id, cold start), and the StateDuration metric as EMF.
 */
import type { Context } from 'aws-lambda';
import { lambdaHandler } from '../../../../handlers/entrypoints/lambda/lambda-handler';
import { CodedError } from '../../../../handlers/core/errors';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../../../handlers/runtime/metrics';

const SERVICE = 'image-processor-test';

function context(requestId: string): Context {
  return {
    functionName: 'image-processor-test-resize',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:image-processor-test-resize',
    memoryLimitInMB: '2048',
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => 60_000,
  } as Context;
}

/** The JSON lines written to stdout and stderr while `run` runs (Powertools writes onto the process streams). */
async function linesWritten(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  try {
    await run();
  } finally {
    streams.forEach((stream, index) => (stream.write = originals[index]!));
  }
  return written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const event = { jobId: 'job-1', source: { bucket: 'raw', key: 'uploads/beach.jpg' }, master: {} };

beforeAll(() => {
  process.env.POWERTOOLS_SERVICE_NAME = SERVICE;
});

describe('lambdaHandler', () => {
  it('logs a failure once, as JSON with the job, the upload, the invocation and the code, and rethrows it coded', async () => {
    const failing = lambdaHandler('resize', async () => {
      throw new Error('disk full');
    });
    let thrown: unknown;
    const lines = await linesWritten(() =>
      failing(event, context('request-1')).catch((error: unknown) => {
        thrown = error;
      }),
    );
    expect(thrown).toBeInstanceOf(CodedError);
    expect(thrown).toMatchObject({ code: 'INTERNAL', message: 'resize failed unexpectedly: disk full' });
    const logged = lines.filter((line) => line.level !== undefined);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'resize failed unexpectedly: disk full',
        service: SERVICE,
        function: 'resize',
        jobId: 'job-1',
        upload: 'uploads/beach.jpg',
        code: 'INTERNAL',
        function_request_id: 'request-1',
        function_name: 'image-processor-test-resize',
        cold_start: true,
        error: expect.objectContaining({ message: 'disk full' }),
      }),
    ]);
  });

  it('times every attempt of a workflow step as StateDuration by step, and counts only the first invocation as the cold start', async () => {
    const succeeding = lambdaHandler('resize', async (_event, _context, telemetry) => {
      telemetry.logger.info('Resized');
      return { ok: true };
    });
    const lines = await linesWritten(() => succeeding(event, context('request-2')));
    const metric = lines.find((line) => line._aws !== undefined);
    expect(metric).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'step']], Metrics: [{ Name: BUSINESS_METRICS.stateDuration, Unit: 'Milliseconds' }] }] },
      service: SERVICE,
      step: 'resize',
      [BUSINESS_METRICS.stateDuration]: expect.any(Number),
    });
    expect(lines.find((line) => line.message === 'Resized')).toMatchObject({ jobId: 'job-1', function_request_id: 'request-2', cold_start: false });
  });

  it('does not time the entrypoints that are not workflow steps, and logs what it can of a malformed event', async () => {
    const starting = lambdaHandler('start-workflow', async (_event, _context, telemetry) => {
      telemetry.logger.info('Started');
    });
    const lines = await linesWritten(() => starting('not an object', context('request-3')));
    expect(lines).toEqual([expect.objectContaining({ message: 'Started', function: 'start-workflow' })]);
    expect(lines[0]).not.toHaveProperty('jobId');
  });
});
