/**
 * How a workflow execution stands, for the reconciler's sweep. Express executions cannot be
 * described (Step Functions keeps no history of them), so their status is unknown here: an Express
 * execution that outlived its 5-minute limit has ended anyway.
 */
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionState } from '../workflow/job-record';
import { toAdapterError } from './aws-errors';

export class StepFunctionsExecutions {
  constructor(private readonly client: SFNClient) {}

  /** The execution's status (with its error and cause once it failed), or undefined when Step Functions cannot say. */
  async describe(executionArn: string): Promise<ExecutionState | undefined> {
    if (executionArn.includes(':express:')) return undefined;
    try {
      const response = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      if (!response.status) return undefined;
      return {
        status: response.status,
        ...(response.error ? { error: response.error } : {}),
        ...(response.cause ? { cause: response.cause } : {}),
      };
    } catch (error) {
      // Matched by name: a second copy of the SDK would defeat instanceof.
      if ((error as { name?: unknown } | null)?.name === 'ExecutionDoesNotExist') return undefined;
      throw toAdapterError('Step Functions DescribeExecution', error);
    }
  }
}
