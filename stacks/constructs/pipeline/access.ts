/**
 * Turns an entrypoint's declared access needs (handlers/runtime/manifest.ts) into grants on the
 * resources that own them, in the order the needs are written. The state machine is granted
 * separately, once it exists (it needs the functions first).
 */
import type { AccessNeeds } from '../../../handlers/runtime/manifest';
import type { Grantable } from '../shared/iam';
import type { WorkerQueues } from '../queues/worker-queues';
import type { ImageStorage } from '../storage/storage';
import type { JobsTable } from './jobs-table';
import type { NotificationTopics } from './topics';

export interface AccessResources {
  readonly storage: ImageStorage;
  readonly table: JobsTable;
  readonly topics: NotificationTopics;
  /** The worker's FIFO queues; required by an entrypoint that declares `queues` needs. @default none */
  readonly queues?: WorkerQueues;
}

const JOB_GRANTS: Readonly<Record<NonNullable<AccessNeeds['jobs']>[number], (table: JobsTable, grantee: Grantable) => void>> = {
  create: (table, grantee) => table.grantCreateJob(grantee),
  start: (table, grantee) => table.grantStartJob(grantee),
  advance: (table, grantee) => table.grantAdvanceJob(grantee),
  listOpen: (table, grantee) => table.grantListOpenJobs(grantee),
  uploads: (table, grantee) => table.grantRecordUploads(grantee),
  queryUploads: (table, grantee) => table.grantQueryUploads(grantee),
  readTokens: (table, grantee) => table.grantReadTokens(grantee),
};

const QUEUE_GRANTS: Readonly<Record<NonNullable<AccessNeeds['queues']>[number], (queues: WorkerQueues, grantee: Grantable) => void>> = {
  consume: (queues, grantee) => queues.grantConsume(grantee),
  enqueueReprocess: (queues, grantee) => queues.grantSend(grantee, 'reprocess'),
};

export function grantAccess(grantee: Grantable, needs: AccessNeeds, { storage, table, topics, queues }: AccessResources): void {
  for (const need of Object.keys(needs) as (keyof AccessNeeds)[]) {
    switch (need) {
      case 'uploads':
        storage.grantUploads(grantee, needs.uploads ?? []);
        break;
      case 'work':
        storage.grantWorkArea(grantee, needs.work ?? []);
        break;
      case 'outputs':
        storage.grantOutputs(grantee, needs.outputs ?? []);
        break;
      case 'jobs':
        for (const operation of needs.jobs ?? []) JOB_GRANTS[operation](table, grantee);
        break;
      case 'topics':
        for (const kind of needs.topics ?? []) topics.grantPublish(grantee, kind);
        break;
      case 'queues':
        for (const use of needs.queues ?? []) {
          if (!queues) throw new Error(`Expected the worker's queues for a grantee that needs to ${use} on them, but none were given.`);
          QUEUE_GRANTS[use](queues, grantee);
        }
        break;
      // Granted by its owner once it exists.
      case 'stateMachine':
        break;
    }
  }
}
