/**
 * The adapters an entrypoint hands to its step, built over the process-wide SDK clients with
 * names from its runtime settings. Construction is cheap; the clients (and their connections) are
 * what is reused across warm invocations. Each function asks for its own service's client only, so
 * a bundle holds the SDK clients its entrypoint uses and no others.
 */
import { DynamoJobStore } from '../adapters/job-store';
import { SnsNotifier, type NotifierTopics } from '../adapters/notifier';
import { S3ObjectStore } from '../adapters/object-store';
import { StepFunctionsExecutions } from '../adapters/workflow-executions';
import { StepFunctionsStarter } from '../adapters/workflow-starter';
import { dynamoDbClient, s3Client, sfnClient, snsClient } from '../adapters/service-clients';
import type { WorkArea } from '../steps/working-images';

export function objectStore(): S3ObjectStore {
  return new S3ObjectStore(s3Client());
}

export function jobStore(settings: { readonly jobsTable: string; readonly jobTtlDays?: number | undefined }): DynamoJobStore {
  return new DynamoJobStore(dynamoDbClient(), settings.jobsTable, settings.jobTtlDays ? { ttlDays: settings.jobTtlDays } : {});
}

export function notifier(topics: NotifierTopics): SnsNotifier {
  return new SnsNotifier(snsClient(), topics);
}

export function workflowStarter(settings: { readonly stateMachineArn: string }): StepFunctionsStarter {
  return new StepFunctionsStarter(sfnClient(), settings.stateMachineArn);
}

export function workflowExecutions(): StepFunctionsExecutions {
  return new StepFunctionsExecutions(sfnClient());
}

export function workArea(settings: { readonly processedBucket: string; readonly workPrefix: string }): WorkArea {
  return { bucket: settings.processedBucket, prefix: settings.workPrefix };
}
