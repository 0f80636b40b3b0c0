/**
 * The real rendered definition run by aws-local-stepfunctions with stand-in handlers: Task → handler
 * mapping, Lambda-shaped invocation, error names reaching Retry/Catch, fault injection, timings.
 */
import type { TaskEntrypointName } from '../../handlers/runtime/manifest';
import { parseFault, type FaultSpec } from '../../local/faults';
import type { Handler } from '../../local/lambda-invoke';
import { loadTaskFunctions, renderLocalDefinition } from '../../local/functions';
import { LocalStateMachine, stateTimings, type ExecutionOutcome } from '../../local/state-machine';
import { fakeHandlers, functionsWithTimeout, imageError, throwing } from './fake-task-handlers';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:image-processor-local-pipeline';

async function machineWith(
  options: { handlers?: Partial<Record<TaskEntrypointName, Handler>>; faults?: FaultSpec[]; timeoutSeconds?: number; invalid?: (key: string) => boolean; slowMs?: number } = {},
) {
  const fake = fakeHandlers({ ...(options.invalid ? { invalid: options.invalid } : {}), ...(options.slowMs === undefined ? {} : { slowMs: options.slowMs }) });
  const functions = functionsWithTimeout(options.timeoutSeconds);
  const machine = new LocalStateMachine({
    definition: renderLocalDefinition(functions),
    functions: await loadTaskFunctions(functions, { ...fake.handlers, ...options.handlers }),
    faults: options.faults ?? [],
    retryIntervalMs: 0,
  });
  return { machine, ...fake };
}

let counter = 0;
function run(machine: LocalStateMachine, key = 'uploads/cat.jpg'): Promise<ExecutionOutcome> {
  counter += 1;
  const name = `job-${counter}`;
  return machine.run(
    { jobId: name, source: { bucket: 'raw', key, size: 1234, etag: 'abc' }, receivedAt: '2025-01-01T00:00:00.000Z' },
    { executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`, name, stateMachineArn: STATE_MACHINE_ARN, stateMachineName: 'image-processor-local-pipeline', startDate: new Date() },
  );
}

const names = (outcome: ExecutionOutcome) => stateTimings(outcome.events).map((timing) => timing.name);
const timing = (outcome: ExecutionOutcome, state: string) => stateTimings(outcome.events).find((entry) => entry.name === state);

describe('LocalStateMachine over the rendered definition', () => {
  it('runs every state of a valid image, ending in NotifySuccess, timing each from entry to exit', async () => {
    const slowMs = 20;
    const { machine, calls, outcomes } = await machineWith({ slowMs });
    const started = Date.now();
    const outcome = await run(machine);
    const wallMs = Date.now() - started;
    expect(outcome.status).toBe('SUCCEEDED');
    expect(names(outcome)).toEqual(['ValidateImage', 'ImageValid', 'ProcessImage', expect.any(String), expect.any(String), 'OptimizeImage', 'NotifySuccess']);
    expect(names(outcome).slice(3, 5).sort()).toEqual(['ApplyFilters', 'ResizeImage']);
    expect(calls.map((call) => call.entrypoint).sort()).toEqual(['filters', 'notify-success', 'optimize', 'resize', 'validate']);
    expect(outcomes.get('job-' + counter)?.outputs).toHaveLength(2);
    // The stand-ins up to optimize sleep slowMs, so their Tasks take at least that (less 1 ms: both
    // ends are whole Date.now() milliseconds); the Parallel lasts as long as its slower branch; the
    // top-level states run one after another, so their sum fits in the execution's wall time.
    const ms = Object.fromEntries(stateTimings(outcome.events).map((entry) => [entry.name, entry.ms]));
    for (const task of ['ValidateImage', 'ResizeImage', 'ApplyFilters', 'OptimizeImage']) expect({ task, ms: ms[task]! >= slowMs - 1 }).toEqual({ task, ms: true });
    expect(ms.ProcessImage).toBeGreaterThanOrEqual(Math.max(ms.ResizeImage!, ms.ApplyFilters!));
    const topLevel = ['ValidateImage', 'ImageValid', 'ProcessImage', 'OptimizeImage', 'NotifySuccess'].map((name) => ms[name]!);
    expect(topLevel.reduce((sum, value) => sum + value, 0)).toBeLessThanOrEqual(wallMs + 1);
  });

  it('invokes each handler with a Lambda-shaped context for its function', async () => {
    const { machine, calls } = await machineWith();
    await run(machine);
    const validate = calls.find((call) => call.entrypoint === 'validate')!;
    expect(validate.context).toMatchObject({
      functionName: 'image-processor-local-validate',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:image-processor-local-validate',
      logGroupName: '/aws/lambda/image-processor-local-validate',
      memoryLimitInMB: expect.stringMatching(/^\d+$/),
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(validate.remainingMs).toBeGreaterThan(0);
    expect(validate.remainingMs).toBeLessThanOrEqual(functionsWithTimeout().validate.timeoutSeconds * 1000);
    expect(validate.event).toEqual({ jobId: expect.any(String), source: expect.objectContaining({ key: 'uploads/cat.jpg' }) });
  });

  it('routes an invalid verdict through ImageValid to NotifyError with its code', async () => {
    const { machine, outcomes } = await machineWith({ invalid: () => true });
    const outcome = await run(machine);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(names(outcome)).toEqual(['ValidateImage', 'ImageValid', 'NotifyError']);
    expect(outcomes.get(`job-${counter}`)).toEqual({ code: 'CORRUPT', message: 'uploads/cat.jpg is damaged.' });
  });

  it("surfaces a handler's error name as the state error and Lambda's JSON as its cause", async () => {
    const { machine, outcomes } = await machineWith({ handlers: { optimize: throwing(imageError('INTERNAL', 'The encoder broke.')) } });
    const outcome = await run(machine);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(names(outcome)).toEqual(['ValidateImage', 'ImageValid', 'ProcessImage', expect.any(String), expect.any(String), 'OptimizeImage', 'NotifyError']);
    expect(timing(outcome, 'OptimizeImage')).toMatchObject({ attempts: 1, error: 'INTERNAL' });
    expect(outcomes.get(`job-${counter}`)).toEqual({ code: 'INTERNAL', message: 'The encoder broke.' });
    const failed = outcome.events.find((event) => event.type === 'StateFailed');
    expect(JSON.parse((failed as { Cause: string }).Cause)).toMatchObject({ errorType: 'INTERNAL', errorMessage: 'The encoder broke.' });
  });

  it('does not retry the stable image codes', async () => {
    const { machine, outcomes } = await machineWith({ handlers: { resize: throwing(imageError('CORRUPT')) } });
    const outcome = await run(machine);
    expect(timing(outcome, 'ResizeImage')).toMatchObject({ attempts: 1, error: 'CORRUPT' });
    expect(outcomes.get(`job-${counter}`)?.code).toBe('CORRUPT');
  });

  it.each(['ValidateImage', 'ResizeImage', 'ApplyFilters', 'OptimizeImage', 'NotifySuccess'])(
    'retries an injected TRANSIENT failure of %s and succeeds',
    async (state) => {
      const { machine, calls } = await machineWith({ faults: [parseFault(`${state}=TRANSIENT:2`)] });
      const outcome = await run(machine);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(names(outcome)).toContain('NotifySuccess');
      expect(names(outcome)).not.toContain('NotifyError');
      expect(timing(outcome, state)).toEqual({ name: state, ms: expect.any(Number), attempts: 3 });
      expect(calls.filter((call) => call.entrypoint === 'notify-success')).toHaveLength(1);
    },
  );

  it('retries an injected TRANSIENT failure of NotifyError', async () => {
    const { machine, outcomes } = await machineWith({ invalid: () => true, faults: [parseFault('NotifyError=TRANSIENT:3')] });
    const outcome = await run(machine);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(timing(outcome, 'NotifyError')).toMatchObject({ attempts: 4 });
    expect(outcomes.get(`job-${counter}`)?.code).toBe('CORRUPT');
  });

  it('catches a failure that outlasts the retries into NotifyError', async () => {
    const { machine, outcomes } = await machineWith({ faults: [parseFault('ResizeImage=TRANSIENT:*')] });
    const outcome = await run(machine);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(timing(outcome, 'ResizeImage')).toMatchObject({ attempts: 4, error: 'TRANSIENT' });
    expect(timing(outcome, 'ProcessImage')).toMatchObject({ error: 'TRANSIENT' });
    expect(names(outcome)).toContain('NotifyError');
    expect(names(outcome)).not.toContain('OptimizeImage');
    expect(outcomes.get(`job-${counter}`)?.message).toMatch(/^Injected fault: ResizeImage attempt 4/);
  });

  it('counts injected faults per execution', async () => {
    const { machine } = await machineWith({ faults: [parseFault('ValidateImage=TRANSIENT:1')] });
    const [first, second] = await Promise.all([run(machine), run(machine)]);
    expect(timing(first!, 'ValidateImage')?.attempts).toBe(2);
    expect(timing(second!, 'ValidateImage')?.attempts).toBe(2);
  });

  it('runs the handler before failing an "after" fault', async () => {
    const { machine, calls } = await machineWith({ faults: [parseFault('OptimizeImage=INTERNAL:1:after')] });
    const outcome = await run(machine);
    expect(calls.filter((call) => call.entrypoint === 'optimize')).toHaveLength(1);
    expect(names(outcome)).toContain('NotifyError');
  });

  it('reports a handler that outlives its timeout as Sandbox.Timedout, caught into NotifyError and recorded as INTERNAL', async () => {
    const slow: Handler = () => new Promise((resolve) => setTimeout(() => resolve({ renditions: [] }), 500));
    const { machine, outcomes } = await machineWith({ timeoutSeconds: 0.1, handlers: { filters: slow } });
    const outcome = await run(machine);
    expect(timing(outcome, 'ApplyFilters')).toMatchObject({ error: 'Sandbox.Timedout', attempts: 1 });
    expect(outcomes.get(`job-${counter}`)).toEqual({ code: 'INTERNAL', message: expect.stringMatching(/^Sandbox\.Timedout: .*Task timed out after 0\.10 seconds/) });
  });

  it('fails the execution when NotifyError itself keeps failing (the system failed)', async () => {
    const { machine } = await machineWith({ invalid: () => true, handlers: { 'notify-error': throwing(imageError('INTERNAL', 'Cannot record the job.')) } });
    const outcome = await run(machine);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'INTERNAL' });
    expect(timing(outcome, 'NotifyError')).toMatchObject({ error: 'INTERNAL' });
  });

  it('passes only JSON between states, as Lambda does', async () => {
    const dated: Handler = async (event) => ({ ...(event as object), valid: false, error: { code: 'EMPTY', message: 'x', at: new Date(0), skip: undefined } });
    const { machine, calls } = await machineWith({ handlers: { validate: dated } });
    await run(machine);
    const notify = calls.find((call) => call.entrypoint === 'notify-error')!;
    expect((notify.event.validation as { error: unknown }).error).toEqual({ code: 'EMPTY', message: 'x', at: '1970-01-01T00:00:00.000Z' });
  });

  it('rejects faults naming states the definition does not have', async () => {
    await expect(machineWith({ faults: [parseFault('Resize=TRANSIENT')] })).rejects.toThrow(/Task states of the definition \(ValidateImage, .*\), but received Resize/);
  });

  it('checks the definition against the ASL schema unless told it is checked already', async () => {
    const functions = functionsWithTimeout();
    const definition = JSON.parse(renderLocalDefinition(functions)) as { States: Record<string, { ResultPath?: string }> };
    // A JSONPath that is not one: the schema check refuses it, aws-local-stepfunctions alone does not look.
    definition.States.ValidateImage!.ResultPath = 'not a path';
    const options = { definition: JSON.stringify(definition), functions: await loadTaskFunctions(functions, fakeHandlers().handlers) };
    expect(() => new LocalStateMachine(options)).toThrow();
    expect(() => new LocalStateMachine({ ...options, validate: false })).not.toThrow();
  });
});
