/** The parts of `terraform show -json <plan>` the summary reads, and each resource change's kind. */
import { UsageError } from '../cli/command';

export interface ResourceChange {
  readonly address: string;
  readonly mode?: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

export interface Plan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
}

export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'read';

export const KINDS: readonly ChangeKind[] = ['create', 'update', 'replace', 'delete'];

export function kindOf(change: ResourceChange): ChangeKind {
  const actions = change.change.actions;
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('update')) return 'update';
  if (actions.includes('read')) return 'read';
  return 'no-op';
}

/** Validates the shape of a plan document: a `terraform show -json` of a plan file, not of state. */
export function parsePlan(text: string, file: string): Plan {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new UsageError(`Expected ${file} to be the JSON of a plan (terraform show -json <plan>), but it is not JSON.`);
  }
  const plan = document as Partial<Plan>;
  if (typeof plan !== 'object' || plan === null || typeof plan.format_version !== 'string' || (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes))) {
    throw new UsageError(`Expected ${file} to be the JSON of a plan (terraform show -json <plan>, with format_version and resource_changes), but it is not.`);
  }
  return plan as Plan;
}

/** Managed resources only: reading a data source changes nothing. */
export const managedChanges = (plan: Plan): ResourceChange[] => (plan.resource_changes ?? []).filter((change) => change.mode !== 'data');
