/**
 * fauxqs has no Step Functions, so the real SFNClient talks to a small server speaking the
 * AWS JSON 1.0 protocol for StartExecution, reached through AWS_ENDPOINT_URL_SFN like any
 * endpoint: request serialization, error parsing and the adapter's mapping all run for real.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { CodedError } from '../../../handlers/core/errors';
import { StepFunctionsStarter, executionArnFor } from '../../../handlers/adapters/workflow-starter';
import { applyEnvironment } from '../../support/emulators';
import { startJsonProtocolServer, type JsonProtocolServer, type JsonRequest, type JsonResponse } from '../../support/json-protocol-server';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:image-processor-dev';

let server: JsonProtocolServer;
let restoreEnvironment: () => void;
let client: SFNClient;
let starter: StepFunctionsStarter;
const started = new Map<string, string>();

/** Step Functions' rules for StartExecution that matter here: one execution per name. */
function stepFunctions(request: JsonRequest): JsonResponse {
  if (request.target !== 'AWSStepFunctions.StartExecution') {
    return { status: 400, body: { __type: 'UnknownOperationException', message: request.target } };
  }
  const name = String(request.body.name);
  if (name === 'throttle-me') return { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
  if (name.includes(' ')) return { status: 400, body: { __type: 'InvalidName', message: `Invalid Name: '${name}'` } };
  if (started.has(name)) {
    return {
      status: 400,
      body: { __type: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${executionArnFor(STATE_MACHINE_ARN, name)}'` },
    };
  }
  const executionArn = executionArnFor(String(request.body.stateMachineArn), name);
  started.set(name, String(request.body.input));
  return { status: 200, body: { executionArn, startDate: 1_772_366_400.123 } };
}

beforeAll(async () => {
  server = await startJsonProtocolServer(stepFunctions);
  restoreEnvironment = applyEnvironment({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SFN: server.endpoint,
  });
  client = new SFNClient({ maxAttempts: 1 });
  starter = new StepFunctionsStarter(client, STATE_MACHINE_ARN);
});

afterAll(async () => {
  client.destroy();
  restoreEnvironment();
  await server.close();
});

describe('StepFunctionsStarter', () => {
  it('starts an execution under the given name with the input as JSON', async () => {
    const input = { jobId: 'beach-jpg-0123', source: { bucket: 'raw', key: 'uploads/beach.jpg', size: 10 } };

    await expect(starter.start('beach-jpg-0123', input)).resolves.toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:image-processor-dev:beach-jpg-0123',
      alreadyStarted: false,
    });
    expect(server.requests.at(-1)).toEqual({
      target: 'AWSStepFunctions.StartExecution',
      body: { stateMachineArn: STATE_MACHINE_ARN, name: 'beach-jpg-0123', input: JSON.stringify(input) },
    });
  });

  it('reports a duplicate name as already started, with the existing execution’s ARN', async () => {
    await starter.start('dup-jpg-0456', { n: 1 });
    await expect(starter.start('dup-jpg-0456', { n: 1 })).resolves.toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:image-processor-dev:dup-jpg-0456',
      alreadyStarted: true,
    });
  });

  it('maps throttling to TRANSIENT', async () => {
    const failure = await starter.start('throttle-me', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CodedError);
    expect(failure).toMatchObject({
      code: 'TRANSIENT',
      message: 'Expected Step Functions StartExecution to succeed, but it failed with a temporary error (ThrottlingException: Rate exceeded); a retry may succeed.',
    });
  });

  it('leaves other refusals as the SDK reported them', async () => {
    const failure = await starter.start('bad name', {}).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(CodedError);
    expect(failure).toMatchObject({ name: 'InvalidName', $metadata: { httpStatusCode: 400 } });
  });
});

describe('executionArnFor', () => {
  it('derives a Standard execution ARN from the state machine ARN, ignoring a version or alias', () => {
    expect(executionArnFor('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m', 'e')).toBe('arn:aws-cn:states:cn-north-1:123456789012:execution:m:e');
    expect(executionArnFor(`${STATE_MACHINE_ARN}:prod`, 'e')).toBe('arn:aws:states:us-east-1:123456789012:execution:image-processor-dev:e');
  });

  it('rejects something that is not a state machine ARN', () => {
    expect(() => executionArnFor('arn:aws:lambda:us-east-1:1:function:f', 'e')).toThrow(
      'Expected a state machine ARN like arn:aws:states:<region>:<account>:stateMachine:<name>, but received "arn:aws:lambda:us-east-1:1:function:f".',
    );
  });
});
