import type { AccessNeeds } from '../../../../handlers/runtime/manifest';
import { grantAccess, type AccessResources } from '../../../../stacks/constructs/pipeline/access';
import type { WorkerQueues } from '../../../../stacks/constructs/queues/worker-queues';
import type { Grantable } from '../../../../stacks/constructs/shared/iam';

/** Resources that record which grant each need turned into, in order. */
function recordingResources(withQueues: boolean) {
  const calls: string[] = [];
  const record = (name: string) => (...args: unknown[]) => void calls.push([name, ...args.slice(1).map(String)].join(' '));
  const resources = {
    storage: { grantUploads: record('uploads'), grantWorkArea: record('work'), grantOutputs: record('outputs') },
    table: { grantAdvanceJob: record('advance') },
    topics: { grantPublish: record('publish') },
    ...(withQueues ? { queues: { grantConsume: record('consume'), grantSend: record('send') } } : {}),
  } as unknown as AccessResources & { queues?: WorkerQueues };
  return { resources, calls };
}

const grantee = { addToRolePolicy: () => undefined } as unknown as Grantable;

describe('grantAccess', () => {
  it('grants the worker queues through their owner: consume takes from both, enqueueReprocess sends to the reprocess queue', () => {
    const { resources, calls } = recordingResources(true);
    grantAccess(grantee, { jobs: ['advance'], queues: ['consume', 'enqueueReprocess'] } satisfies AccessNeeds, resources);
    expect(calls).toEqual(['advance', 'consume', 'send reprocess']);
  });

  it('refuses a queue need when the stack gave it no queues, instead of leaving the grantee without access', () => {
    const { resources } = recordingResources(false);
    expect(() => grantAccess(grantee, { queues: ['enqueueReprocess'] } satisfies AccessNeeds, resources)).toThrow(
      "Expected the worker's queues for a grantee that needs to enqueueReprocess on them, but none were given.",
    );
  });

  it('leaves the state machine to its owner, which grants it once it exists', () => {
    const { resources, calls } = recordingResources(true);
    grantAccess(grantee, { stateMachine: ['callback'] } satisfies AccessNeeds, resources);
    expect(calls).toEqual([]);
  });
});
