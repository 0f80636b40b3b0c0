/**
 * What arrives at each entrypoint, checked against its schema (handlers/workflow/schemas.ts).
 * A mismatch fails with INVALID_INPUT and a sentence naming the field, rather than deep inside
 * a step; each return type checks its schema yields what the step takes.
 */
import * as v from 'valibot';
import { eventError } from '../../core/schema-issues';
import type { DeriveEvent } from '../../steps/derive-renditions';
import type { NotifyErrorEvent, NotifySuccessEvent } from '../../steps/notify';
import type { OptimizeEvent } from '../../steps/optimize';
import type { ClosedExecution } from '../../steps/reconcile';
import type { UploadRecord } from '../../steps/start-workflow';
import type { JobInput } from '../../workflow/events';
import {
  DERIVE_EVENT_SCHEMA,
  JOB_EVENT_SCHEMA,
  NOTIFY_ERROR_EVENT_SCHEMA,
  NOTIFY_SUCCESS_EVENT_SCHEMA,
  OPTIMIZE_EVENT_SCHEMA,
  RECONCILE_EVENT_SCHEMA,
  S3_EVENT_SCHEMA,
} from '../../workflow/schemas';

function parse<S extends v.GenericSchema>(schema: S, event: unknown): v.InferOutput<S> {
  // The first problem is the one reported, so there is no point looking for more.
  const result = v.safeParse(schema, event, { abortEarly: true });
  if (!result.success) throw eventError(result.issues);
  return result.output;
}

export function parseS3Event(event: unknown): UploadRecord[] {
  return parse(S3_EVENT_SCHEMA, event);
}

export function parseJobEvent(event: unknown): Pick<JobInput, 'jobId' | 'source'> {
  return parse(JOB_EVENT_SCHEMA, event);
}

export function parseDeriveEvent(event: unknown): DeriveEvent {
  return parse(DERIVE_EVENT_SCHEMA, event);
}

export function parseOptimizeEvent(event: unknown): OptimizeEvent {
  return parse(OPTIMIZE_EVENT_SCHEMA, event);
}

export function parseNotifySuccessEvent(event: unknown): NotifySuccessEvent {
  return parse(NOTIFY_SUCCESS_EVENT_SCHEMA, event);
}

export function parseNotifyErrorEvent(event: unknown): NotifyErrorEvent {
  return parse(NOTIFY_ERROR_EVENT_SCHEMA, event);
}

export type ReconcileEvent = ({ readonly kind: 'closed' } & ClosedExecution) | { readonly kind: 'sweep'; readonly time: string };

export function parseReconcileEvent(event: unknown): ReconcileEvent {
  return parse(RECONCILE_EVENT_SCHEMA, event);
}
