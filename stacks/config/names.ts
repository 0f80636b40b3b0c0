/**
 * Names derived from the stack name, shared by the stack and the local runner so that both
 * create the same resources under the same names.
 */
import type { EntrypointName } from '../../handlers/runtime/manifest';

export const STACK_PREFIX = 'image-processor';

export function stackNameFor(stage: string): string {
  return `${STACK_PREFIX}-${stage}`;
}

/** Resource names derived from the stack name; bucket names add the account id and region unless set. */
export function resourceNames(config: { readonly stackName: string }) {
  const prefix = config.stackName;
  return {
    functionName: (entrypoint: EntrypointName) => `${prefix}-${entrypoint}`,
    defaultBucketName: (kind: 'raw' | 'processed' | 'logs' | 'artifacts' | 'fleet-logs', accountId: string, region: string) => `${prefix}-${kind}-${accountId}-${region}`,
    jobsTable: `${prefix}-jobs`,
    successTopic: `${prefix}-success`,
    errorTopic: `${prefix}-error`,
    stateMachine: `${prefix}-pipeline`,
    startWorkflowDeadLetterQueue: `${prefix}-start-workflow-dlq`,
    sharpLayer: `${prefix}-sharp`,
    stackKeyAlias: `alias/${prefix}`,
    /** FIFO queue names must end in `.fifo`, their dead-letter queues' too. */
    queue: (kind: 'heavy' | 'reprocess') => `${prefix}-${kind}.fifo`,
    deadLetterQueue: (kind: 'heavy' | 'reprocess') => `${prefix}-${kind}-dlq.fifo`,
    /** The worker's cluster, service, task family, task role and image repository. */
    worker: `${prefix}-worker`,
    /** The API instances' instance profile (stacks/constructs/fleet/instances.ts). */
    apiInstanceProfile: `${prefix}-api`,
    /** The API instances' log group, named like the others: the service, then the resource (`/aws/lambda/…`, `/ecs/…`). */
    apiLogGroup: `/ec2/${prefix}-api`,
  } as const;
}
