/**
 * The state machine definition as rendered for deployment and for the local runner: valid ASL,
 * every failure path ends in NotifyError, Retry only for what may succeed on retry, and the
 * state stays small because it carries pointers, never image bytes.
 */
import aslValidator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { DEFAULT_WORKER_ROUTE, SEND_AND_WAIT_RESOURCE, WORKER_TASK_RETRY } from '../../asl/definition';
import { renderDefinition } from '../../asl/render';
import { routesToWorker } from '../../handlers/workflow/routing';
import { ERROR_CODES } from '../../handlers/core/errors';
import { TASK_ENTRYPOINTS, type TaskEntrypointName } from '../../handlers/runtime/manifest';
import type { Handler } from '../../local/lambda-invoke';
import { loadTaskFunctions, renderLocalDefinition } from '../../local/functions';
import { LocalStateMachine, walkStates } from '../../local/state-machine';
import { STATE_PAYLOAD_LIMIT_BYTES } from '../../local/step-functions-server';
import { functionsWithTimeout } from '../local/fake-task-handlers';

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Branches?: { StartAt: string; States: Record<string, State> }[];
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

const deployedArns = Object.fromEntries(
  TASK_ENTRYPOINTS.map((entrypoint) => [entrypoint, `arn:aws:lambda:eu-west-1:123456789012:function:image-processor-prod-${entrypoint}`]),
) as Record<TaskEntrypointName, string>;

const route = { ...DEFAULT_WORKER_ROUTE, queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/image-processor-prod-heavy.fifo' };

const renderings: [string, string][] = [
  ['deployed', renderDefinition(deployedArns, route)],
  ['local', renderLocalDefinition(functionsWithTimeout(), { ...route, queueUrl: 'http://sqs.us-east-1.localhost:4566/000000000000/image-processor-local-heavy.fifo' })],
];

/** Codes that describe the image or the request: retrying cannot change the answer. */
const STABLE_CODES = ERROR_CODES.filter((code) => code !== 'TRANSIENT');

describe.each(renderings)('the %s definition', (_label, rendered) => {
  const definition = JSON.parse(rendered) as Definition;
  const states = walkStates(definition as never) as unknown as [string, State][];
  const tasks = states.filter(([, state]) => state.Type === 'Task');

  it('is valid ASL, ARNs and paths included', () => {
    const result = aslValidator(JSON.parse(rendered), { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('keeps the seed state names and adds the worker route', () => {
    expect(states.map(([name]) => name)).toEqual(
      expect.arrayContaining(['ValidateImage', 'ImageValid', 'ProcessImage', 'ResizeImage', 'ApplyFilters', 'OptimizeImage', 'NotifySuccess', 'NotifyError', 'ChooseProcessor', 'ProcessOnWorker']),
    );
  });

  it('has no substitution left, a function ARN on every Task but the one that waits for the worker', () => {
    expect(rendered).not.toMatch(/\$\{/);
    for (const [name, state] of tasks) {
      if (name === 'ProcessOnWorker') expect(state.Resource).toBe(SEND_AND_WAIT_RESOURCE);
      else expect(state.Resource).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+$/);
    }
  });

  it('sends the heavy queue a process message grouped by job, deduplicated by its task token, and waits with a heartbeat', () => {
    expect(definition.States.ProcessOnWorker).toMatchObject({
      Parameters: {
        QueueUrl: expect.stringMatching(/heavy\.fifo$/),
        'MessageGroupId.$': '$.jobId',
        'MessageDeduplicationId.$': "States.Hash($$.Task.Token, 'SHA-256')",
        MessageBody: { version: 1, type: 'process', 'taskToken.$': '$$.Task.Token', 'jobId.$': '$.jobId', 'source.$': '$.source', 'image.$': '$.validation' },
      },
      HeartbeatSeconds: DEFAULT_WORKER_ROUTE.heartbeatSeconds,
      TimeoutSeconds: DEFAULT_WORKER_ROUTE.timeoutSeconds,
      ResultPath: '$.result',
      Retry: WORKER_TASK_RETRY,
      Next: 'NotifySuccess',
    });
    expect(WORKER_TASK_RETRY.flatMap((retrier) => retrier.ErrorEquals)).not.toContain('States.HeartbeatTimeout');
  });

  it('catches every error of every Task (or of its Parallel) into NotifyError, which ends the execution', () => {
    const catchesAll = (state: State) =>
      state.Catch?.some((catcher) => catcher.ErrorEquals.includes('States.ALL') && catcher.Next === 'NotifyError' && catcher.ResultPath === '$.error') ?? false;
    const enclosing = new Map<string, State>();
    for (const [, state] of states) for (const branch of state.Branches ?? []) for (const name of Object.keys(branch.States)) enclosing.set(name, state);
    for (const [name, state] of tasks) {
      if (name === 'NotifyError') continue;
      const parallel = enclosing.get(name);
      expect({ name, caught: catchesAll(state) || (parallel !== undefined && catchesAll(parallel)) }).toEqual({ name, caught: true });
    }
    expect(definition.States.ProcessImage!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyError' }]);
    expect(definition.States.NotifyError).toMatchObject({ Type: 'Task', End: true });
    expect(definition.States.NotifyError!.Catch).toBeUndefined();
  });

  it('sends an invalid verdict to NotifyError by default', () => {
    expect(definition.States.ImageValid).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.validation.valid', BooleanEquals: true, Next: 'ChooseProcessor' }],
      Default: 'NotifyError',
    });
    expect(definition.States.ChooseProcessor).toMatchObject({ Type: 'Choice', Default: 'ProcessOnWorker' });
  });

  it('routes to the worker exactly the images ValidateImage leaves undecoded for it', async () => {
    const { threshold } = DEFAULT_WORKER_ROUTE;
    const chooser = new StateMachine({
      StartAt: 'ChooseProcessor',
      States: {
        ChooseProcessor: definition.States.ChooseProcessor as never,
        ProcessOnWorker: { Type: 'Pass', Result: 'worker', End: true },
        ProcessImage: { Type: 'Pass', Result: 'lambda', End: true },
      },
    });
    const around = (limit: number) => [1, limit - 1, limit, limit + 1];
    for (const pixels of around(threshold.pixels)) {
      for (const bytes of around(threshold.bytes)) {
        const chosen = await chooser.run({ validation: { valid: true, pixels, bytes } }).result;
        expect({ pixels, bytes, chosen }).toEqual({ pixels, bytes, chosen: routesToWorker({ pixels, bytes }, threshold) ? 'worker' : 'lambda' });
      }
    }
  });

  it('retries only Lambda service errors and TRANSIENT, never a stable code or a wildcard', () => {
    for (const [name, state] of states) {
      for (const retrier of state.Retry ?? []) {
        for (const error of retrier.ErrorEquals) {
          expect({ name, error, stable: (STABLE_CODES as readonly string[]).includes(error) || error.startsWith('INVALID_') }).toEqual({ name, error, stable: false });
          expect(['States.ALL', 'States.TaskFailed']).not.toContain(error);
        }
      }
    }
    for (const [name, state] of tasks) {
      expect({ name, retries: state.Retry?.flatMap((retrier) => retrier.ErrorEquals).includes('TRANSIENT') }).toEqual({ name, retries: true });
    }
  });
});

describe('payload size', () => {
  // Worst-case names: an S3 key of 1024 bytes, an 80-character job id, the default preset's seven outputs.
  const key = `uploads/${'k'.repeat(1000)}.jpeg`.slice(0, 1024);
  const jobId = `${'a'.repeat(55)}-${'0'.repeat(24)}`;
  const raw = (name: string) => ({ bucket: 'image-processor-prod-processed', key: `_work/${jobId}/${name}.raw`, width: 2048, height: 1536, channels: 3 });
  const outputs = ['thumb.webp', 'thumb.jpg', 'medium.webp', 'medium.jpg', 'large.webp', 'large.jpg', 'medium-grayscale.webp'].map((name) => ({
    name,
    filter: name.includes('grayscale') ? 'grayscale' : null,
    format: name.endsWith('.jpg') ? 'jpeg' : 'webp',
    width: 2048,
    height: 1536,
    bytes: 123456789,
    bucket: 'image-processor-prod-processed',
    key: `${jobId}/${name}`,
  }));
  const handlers: Record<TaskEntrypointName, Handler> = {
    validate: async () => ({ valid: true, format: 'jpeg', width: 12000, height: 8000, pages: 1, bytes: 52428800, master: raw('master') }),
    resize: async () => ({
      renditions: ['thumb', 'medium', 'large'].map((name) => ({ name, rendition: name, filter: null, raw: raw(name) })),
    }),
    filters: async () => ({ renditions: [{ name: 'medium-grayscale', rendition: 'medium', filter: 'grayscale', raw: raw('medium-grayscale') }] }),
    optimize: async () => ({ outputs }),
    'notify-success': async () => null,
    'notify-error': async () => ({ code: 'INTERNAL' }),
  };

  it('stays a few kilobytes in every state of a representative execution', async () => {
    const functions = functionsWithTimeout();
    const machine = new LocalStateMachine({ definition: renderLocalDefinition(functions), functions: await loadTaskFunctions(functions, handlers), retryIntervalMs: 0 });
    const outcome = await machine.run(
      { jobId, source: { bucket: 'image-processor-prod-raw', key, size: 52428800, etag: 'd41d8cd98f00b204e9800998ecf8427e' }, receivedAt: new Date(0).toISOString() },
      { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:pipeline:x', name: 'x', stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline', stateMachineName: 'pipeline', startDate: new Date() },
    );
    expect(outcome.status).toBe('SUCCEEDED');
    const payloads = outcome.events.flatMap((event) => ('state' in event ? [event.state.input, event.state.output] : [])).filter((payload) => payload !== undefined);
    expect(payloads.length).toBeGreaterThan(10);
    const largest = Math.max(...payloads.map((payload) => Buffer.byteLength(JSON.stringify(payload))));
    expect(largest).toBeLessThan(16 * 1024);
    expect(largest).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES / 16);
    // Pointers only: no value is long enough to be image data.
    const longest = Math.max(...payloads.flatMap((payload) => JSON.stringify(payload).match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((text) => text.length));
    expect(longest).toBeLessThanOrEqual(1024 + 2);
  });
});
