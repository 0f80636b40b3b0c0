/** Attribute-level differences between two versions of a resource's configuration. */
import { diffStatements, policyStatements, type StatementChange } from './policy';

export interface AttributeChange {
  /** `rule[0].filter.prefix`; policies by their attribute name. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Set when both sides are policy documents: the change statement by statement. */
  readonly statements?: readonly StatementChange[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every leaf that differs; policy documents compared as statements; cdktf's `//` metadata ignored. */
export function diffAttributes(before: unknown, after: unknown, path = ''): AttributeChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const beforeStatements = policyStatements(before);
  const afterStatements = policyStatements(after);
  if (beforeStatements && afterStatements) {
    const statements = diffStatements(beforeStatements, afterStatements);
    return statements.length === 0 ? [] : [{ path, before, after, statements }];
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => key !== '//').sort();
    return keys.flatMap((key) => diffAttributes(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, index) => diffAttributes(item, after[index], `${path}[${index}]`));
  }
  return [{ path, before, after }];
}

/** A value for a Markdown cell or line: JSON, cut to a readable length. */
export function showValue(value: unknown, max = 120): string {
  if (value === undefined) return '(unset)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
