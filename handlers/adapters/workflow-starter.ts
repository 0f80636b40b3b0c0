/**
 * Starts a workflow execution under a caller-chosen name. The name is the job id, derived from
 * the upload's identity, so a duplicated S3 event asks for an execution that already exists:
 * Step Functions refuses with ExecutionAlreadyExists, which here means "already started", not
 * failure. (For a Standard state machine, repeating a running execution's name with the same
 * input returns that execution instead; both cases leave exactly one execution.)
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { CodedError } from '../core/errors';
import { toAdapterError } from './aws-errors';

export class StepFunctionsStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: unknown): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    try {
      const response = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionArn: response.executionArn ?? executionArnFor(this.stateMachineArn, name), alreadyStarted: false };
    } catch (error) {
      // Matched by name (the service's error code) rather than instanceof, which a second copy of the SDK would defeat.
      if ((error as { name?: unknown } | null)?.name === 'ExecutionAlreadyExists') {
        return { executionArn: executionArnFor(this.stateMachineArn, name), alreadyStarted: true };
      }
      throw toAdapterError('Step Functions StartExecution', error);
    }
  }
}

/** A version or alias qualifier (`:stateMachine:<name>:<qualifier>`) names the same machine. */
const STATE_MACHINE_ARN = /^(arn:[^:]+:states:[^:]*:[^:]*):stateMachine:([^:]+)(?::[^:]+)?$/;

/**
 * The ARN Step Functions gives a Standard execution: `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`.
 * Used when the execution already exists, because the refusal does not say its ARN.
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!match) {
    throw new CodedError(
      'INTERNAL',
      `Expected a state machine ARN like arn:aws:states:<region>:<account>:stateMachine:<name>, but received "${stateMachineArn}".`,
    );
  }
  return `${match[1]}:execution:${match[2]}:${name}`;
}
