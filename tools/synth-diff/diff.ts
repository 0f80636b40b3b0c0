/**
 * The resource-level difference between two synthesized apps: per stack, the resources, data
 * sources and outputs added, removed and changed, with the changed attributes.
 */
import { diffAttributes, type AttributeChange } from '../review/attributes';

type Blocks = Record<string, Record<string, unknown>>;

export interface TerraformDocument {
  readonly terraform?: Record<string, unknown>;
  readonly provider?: Record<string, unknown>;
  readonly resource?: Blocks;
  readonly data?: Blocks;
  readonly output?: Record<string, unknown>;
}

export interface AddressChange {
  readonly address: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly attributes: readonly AttributeChange[];
}

export interface StackDiff {
  readonly stack: string;
  readonly kind: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly changes: readonly AddressChange[];
}

/** Every addressable block of a document: `aws_s3_bucket.raw`, `data.aws_partition.partition`, `output.x`, `provider.aws`, `terraform`. */
function addressed(document: TerraformDocument | undefined): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  if (!document) return entries;
  for (const [type, byName] of Object.entries(document.resource ?? {})) for (const [name, body] of Object.entries(byName)) entries.set(`${type}.${name}`, body);
  for (const [type, byName] of Object.entries(document.data ?? {})) for (const [name, body] of Object.entries(byName)) entries.set(`data.${type}.${name}`, body);
  for (const [name, body] of Object.entries(document.output ?? {})) entries.set(`output.${name}`, body);
  for (const [name, body] of Object.entries(document.provider ?? {})) entries.set(`provider.${name}`, body);
  if (document.terraform) entries.set('terraform', document.terraform);
  return entries;
}

export function diffDocuments(stack: string, before: TerraformDocument | undefined, after: TerraformDocument | undefined): StackDiff {
  const old = addressed(before);
  const now = addressed(after);
  const changes: AddressChange[] = [];
  for (const address of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    if (!old.has(address)) changes.push({ address, kind: 'added', attributes: [] });
    else if (!now.has(address)) changes.push({ address, kind: 'removed', attributes: [] });
    else {
      const attributes = diffAttributes(old.get(address), now.get(address));
      if (attributes.length > 0) changes.push({ address, kind: 'changed', attributes });
    }
  }
  const kind = !before ? 'added' : !after ? 'removed' : changes.length > 0 ? 'changed' : 'unchanged';
  return { stack, kind, changes };
}
