/**
 * valibot, speaking the core's sentences. Every schema built here carries as its message what
 * it expects ("an integer from 1 to 100"); the formatter below adds where and what was received,
 * so presets and workflow events fail the way they always have:
 * "Invalid preset at $.renditions[0].width: expected an integer from 1 to 16384, but received 50000."
 * "Expected event.jobId to be a string, but received nothing (the value is missing)."
 *
 * The one exception is an unknown key: its message is a whole clause naming the key and the
 * nearest known one, because the key is the mistake, not the value under it.
 */
import * as v from 'valibot';
import { isHexColour } from './colour';
import { describeValue, formatList } from './describe';
import { CodedError } from './errors';
import { didYouMean } from './suggest';

type Issue = v.BaseIssue<unknown>;
type Issues = readonly [Issue, ...Issue[]];

/** A JSON object: not null, and not an array (which valibot's object schemas would take). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * valibot reports a missing key with the object's message, so the object answers with what
 * the entry expects. Every entry schema here has a string message; `expects` is valibot's own.
 */
function expectationOf(schema: v.GenericSchema): string {
  const { message } = schema as { readonly message?: unknown };
  return typeof message === 'string' ? message : schema.expects;
}

function objectMessage(entries: v.ObjectEntries, expected: string, label?: string) {
  const known = Object.keys(entries);
  return (issue: Issue): string => {
    const key = issue.path?.[0]?.key;
    if (typeof key !== 'string') return expected;
    const entry = entries[key];
    if (issue.expected !== 'never' || label === undefined) return entry === undefined ? expected : expectationOf(entry);
    const quoted = known.map((name) => JSON.stringify(name));
    const only = `${known.length === 1 ? 'property' : 'properties'} ${formatList(quoted, 'and')}`;
    return `${JSON.stringify(key)} is not a property of ${label}${didYouMean(JSON.stringify(key), quoted)}; expected only the ${only}`;
  };
}

/** An object with these entries; other keys are dropped. */
export function jsonObject<const E extends v.ObjectEntries>(entries: E, expected: string) {
  return v.pipe(v.custom<Record<string, unknown>>(isRecord, expected), v.object(entries, objectMessage(entries, expected)));
}

/** An object with only these entries: any other key is reported as a typo of `label` ("a rendition"). */
export function strictJsonObject<const E extends v.ObjectEntries>(entries: E, expected: string, label: string) {
  return v.pipe(v.custom<Record<string, unknown>>(isRecord, expected), strictVariantOption(entries, label));
}

/** One option of {@link jsonVariant}: like {@link strictJsonObject}, the variant having checked it is an object. */
export function strictVariantOption<const E extends v.ObjectEntries>(entries: E, label: string) {
  return v.strictObject(entries, objectMessage(entries, 'an object', label));
}

/** An object whose `key` picks one of `options`; `discriminator` says which values `key` may have. */
export function jsonVariant<const K extends string, const O extends v.VariantOptions<K>>(
  key: K,
  options: O,
  expected: string,
  discriminator: string,
) {
  return v.pipe(v.custom<unknown>(isRecord, expected), v.variant(key, options, discriminator));
}

/** A list of `what` ("a list of renditions") with `min` to `max` items. */
export function list<const S extends v.GenericSchema>(item: S, what: string, min: number, max: number) {
  const expected = `${what} (${min === max ? min : `${min} to ${max}`} items)`;
  return v.pipe(v.array(item, expected), v.minLength(min, expected), v.maxLength(max, expected));
}

export function integer(min: number, max: number) {
  const expected = `an integer from ${min} to ${max}`;
  return v.pipe(v.number(expected), v.integer(expected), v.minValue(min, expected), v.maxValue(max, expected));
}

/** `#rrggbb`; a value that is not text at all is told only what a colour looks like. */
export function hexColour(example: string) {
  return v.pipe(
    v.string(`a colour such as ${JSON.stringify(example)}`),
    v.check((value: string) => isHexColour(value), `a colour written as "#rrggbb", such as ${JSON.stringify(example)}`),
  );
}

function isUnknownKey(issue: Issue): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never';
}

/** `$.variants[0].filters[1]`, `event.Records[2].s3`. */
function pathFrom(root: string, path: readonly v.IssuePathItem[] | undefined): string {
  return (path ?? []).reduce((at, item) => (typeof item.key === 'number' ? `${at}[${item.key}]` : `${at}.${String(item.key)}`), root);
}

/** The "Invalid preset at …" error, also for the rules that relate one part of a preset to another. */
export function invalidPreset(at: string, detail: string): CodedError {
  return new CodedError('INVALID_PRESET', `Invalid preset at ${at}: ${detail}.`);
}

export function expectedButReceived(expected: string, received: unknown): string {
  return `expected ${expected}, but received ${describeValue(received)}`;
}

/** The first problem of a preset, as `INVALID_PRESET`. */
export function presetError(issues: Issues): CodedError {
  // A misspelt key also leaves the key it meant missing: the misspelling is the one to fix.
  const issue = issues.find(isUnknownKey) ?? issues[0];
  if (isUnknownKey(issue)) return invalidPreset(pathFrom('$', issue.path?.slice(0, -1)), issue.message);
  return invalidPreset(pathFrom('$', issue.path), expectedButReceived(issue.message, issue.input));
}

/** The first problem of a workflow event (or of the part of a request `root` names), as `INVALID_INPUT`. */
export function eventError(issues: Issues, root = 'event'): CodedError {
  const [issue] = issues;
  return new CodedError('INVALID_INPUT', `Expected ${pathFrom(root, issue.path)} to be ${issue.message}, but received ${describeValue(issue.input)}.`);
}
