/**
 * What EventBridge does in AWS for the reconciler: an execution that ended FAILED, TIMED_OUT or
 * ABORTED is handed to the manifest's `workflow-status` entrypoint, invoked as Lambda would.
 */
import { entrypointTriggeredBy } from '../handlers/runtime/manifest';
import { loadHandler } from './functions';
import { LOCAL_ACCOUNT_ID } from './lambda-context';
import { invokeLambda } from './lambda-invoke';
import type { LocalResources } from './resources';
import type { ExecutionRecord } from './step-functions-server';
import { executionStatusChangeEvent } from './workflow-events';

/** The endpoint's `onStopped` hook that reconciles what ended badly. */
export async function reconcilerFor(resources: LocalResources, stateMachineArn: string): Promise<(record: ExecutionRecord) => Promise<void>> {
  const entrypoint = entrypointTriggeredBy('workflow-status');
  const handler = await loadHandler(entrypoint);
  return async (record) => {
    if (!RECONCILED_STATUSES.has(record.status)) return;
    await invokeLambda(resources.functions[entrypoint], handler, executionStatusChangeEvent(record, stateMachineArn, resources.region, LOCAL_ACCOUNT_ID));
  };
}

const RECONCILED_STATUSES: ReadonlySet<string> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

