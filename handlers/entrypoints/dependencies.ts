/**
 * The adapters an entrypoint hands to its step, built over the process-wide SDK clients with
 * names from its runtime settings. Construction is cheap; the clients (and their connections) are
 * what is reused across warm invocations.
 */
import { createAwsClients } from '../adapters/clients';
import { DynamoJobStore } from '../adapters/job-store';
import { SnsNotifier, type NotifierTopics } from '../adapters/notifier';
import { S3ObjectStore } from '../adapters/object-store';
import { StepFunctionsExecutions } from '../adapters/workflow-executions';
import { StepFunctionsStarter } from '../adapters/workflow-starter';
import type { WorkArea } from '../steps/working-images';

export function objectStore(): S3ObjectStore {
  return new S3ObjectStore(createAwsClients().s3);
}

export function jobStore(settings: { readonly jobsTable: string; readonly jobTtlDays?: number | undefined }): DynamoJobStore {
  return new DynamoJobStore(createAwsClients().dynamodb, settings.jobsTable, settings.jobTtlDays ? { ttlDays: settings.jobTtlDays } : {});
}

export function notifier(topics: NotifierTopics): SnsNotifier {
  return new SnsNotifier(createAwsClients().sns, topics);
}

export function workflowStarter(settings: { readonly stateMachineArn: string }): StepFunctionsStarter {
  return new StepFunctionsStarter(createAwsClients().sfn, settings.stateMachineArn);
}

export function workflowExecutions(): StepFunctionsExecutions {
  return new StepFunctionsExecutions(createAwsClients().sfn);
}

export function workArea(settings: { readonly processedBucket: string; readonly workPrefix: string }): WorkArea {
  return { bucket: settings.processedBucket, prefix: settings.workPrefix };
}
