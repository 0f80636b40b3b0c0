/**
 * Turns an entrypoint's declared access needs (handlers/runtime/manifest.ts) into grants on the
 * resources that own them, in the order the needs are written. The state machine is granted
 * separately, once it exists (it needs the functions first), and so are the worker's queues.
 */
import type { AccessNeeds } from '../../../handlers/runtime/manifest';
import type { Grantable } from '../shared/iam';
import type { ImageStorage } from '../storage/storage';
import type { JobsTable } from './jobs-table';
import type { NotificationTopics } from './topics';

export interface AccessResources {
  readonly storage: ImageStorage;
  readonly table: JobsTable;
  readonly topics: NotificationTopics;
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

export function grantAccess(grantee: Grantable, needs: AccessNeeds, { storage, table, topics }: AccessResources): void {
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
      // Granted by their owners: the state machine once it exists, the worker's queues by the worker service.
      case 'stateMachine':
      case 'queues':
        break;
    }
  }
}
