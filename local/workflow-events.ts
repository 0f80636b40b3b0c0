/**
 * The EventBridge event AWS sends when an execution's status changes ("Step Functions Execution
 * Status Change"), built from a local execution, so the reconciler gets what it gets in AWS.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionRecord } from './step-functions-server';

export function executionStatusChangeEvent(record: ExecutionRecord, stateMachineArn: string, region: string, account: string): unknown {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: (record.stopDate ?? new Date()).toISOString(),
    region,
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate.getTime(),
      stopDate: record.stopDate?.getTime() ?? null,
      input: record.input,
      output: record.output ?? null,
      error: record.error ?? null,
      cause: record.cause ?? null,
    },
  };
}
