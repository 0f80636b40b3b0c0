/**
 * The adapters an entrypoint hands to its step, built over the process-wide SDK clients with
 * names from the environment. Construction is cheap; the clients (and their connections) are
 * what is reused across warm invocations.
 */
import { createAwsClients } from '../adapters/clients';
import { DynamoJobStore } from '../adapters/job-store';
import { SnsNotifier } from '../adapters/notifier';
import { S3ObjectStore } from '../adapters/object-store';
import { StepFunctionsStarter } from '../adapters/workflow-starter';
import { jobTtlDays, requireEnv } from '../runtime/runtime-config';

export function objectStore(): S3ObjectStore {
  return new S3ObjectStore(createAwsClients().s3);
}

export function jobStore(): DynamoJobStore {
  const ttlDays = jobTtlDays();
  return new DynamoJobStore(createAwsClients().dynamodb, requireEnv('JOBS_TABLE'), ttlDays ? { ttlDays } : {});
}

export function notifier(): SnsNotifier {
  return new SnsNotifier(createAwsClients().sns, {
    successTopicArn: requireEnv('SUCCESS_TOPIC_ARN'),
    errorTopicArn: requireEnv('ERROR_TOPIC_ARN'),
  });
}

export function workflowStarter(): StepFunctionsStarter {
  return new StepFunctionsStarter(createAwsClients().sfn, requireEnv('STATE_MACHINE_ARN'));
}
