/**
 * Setting kinds: each parses a value from cdktf context (JSON) or the environment (a string) and
 * says, when it cannot, what a valid value looks like. The resolution (stacks/config/resolve.ts)
 * turns that into "Expected <setting> (from <origin>) to be <expected>, but received <value>."
 */

/** Thrown by a setting's parser; `expected` completes "Expected <setting> to be …". */
export class InvalidValue extends Error {
  constructor(readonly expected: string) {
    super(expected);
  }
}

export interface Setting<T> {
  /** One sentence for people; the docs table repeats it. */
  readonly description: string;
  /** What a valid value looks like, as in "Expected logRetentionDays to be <expected>". */
  readonly expected: string;
  readonly default: (stage: string) => T;
  readonly parse: (value: unknown) => T;
}

export type ValueOf<S> = S extends Setting<infer T> ? T : never;

interface Common<T> {
  readonly description: string;
  readonly default: T | ((stage: string) => T);
}

const defaultFor = <T>(value: T | ((stage: string) => T)) => (typeof value === 'function' ? (value as (stage: string) => T) : () => value);

export function integer(options: Common<number> & { readonly min: number; readonly max: number; readonly unit?: string }): Setting<number> {
  const range = options.max === Number.MAX_SAFE_INTEGER ? `of at least ${options.min}` : `from ${options.min} to ${options.max}`;
  const expected = `a whole number${options.unit ? ` of ${options.unit}` : ''} ${range}`;
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < options.min || number > options.max) {
        throw new InvalidValue(expected);
      }
      return number;
    },
  };
}

export function choice<const T extends string | number>(values: readonly T[], options: Common<T>): Setting<T> {
  const expected = `one of ${values.join(', ')}`;
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      const match = values.find((candidate) => candidate === value || String(candidate) === String(value).trim());
      if (match === undefined || (typeof value !== 'string' && typeof value !== 'number')) throw new InvalidValue(expected);
      return match;
    },
  };
}

export function flag(options: Common<boolean>): Setting<boolean> {
  const expected = 'true or false';
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const word = value.trim().toLowerCase();
        if (['true', '1', 'yes'].includes(word)) return true;
        if (['false', '0', 'no'].includes(word)) return false;
      }
      throw new InvalidValue(expected);
    },
  };
}

export function text(options: Common<string> & { readonly pattern: RegExp; readonly expected: string; readonly maxLength?: number }): Setting<string> {
  return {
    description: options.description,
    expected: options.expected,
    default: defaultFor(options.default),
    parse(value) {
      if (typeof value !== 'string' || !options.pattern.test(value) || value.length > (options.maxLength ?? Infinity)) {
        throw new InvalidValue(options.expected);
      }
      return value;
    },
  };
}

/** Unset by default; `null` in context or an empty environment variable unsets it again. */
export function optional<T>(setting: Omit<Setting<T>, 'default'>): Setting<T | undefined> {
  return {
    description: setting.description,
    expected: `${setting.expected}, or empty to leave it unset`,
    default: () => undefined,
    parse: (value) => (value === null || value === undefined || value === '' ? undefined : setting.parse(value)),
  };
}

/** A JSON array in context; a comma-separated list (or a JSON array) in the environment. */
export function list<T>(item: Omit<Setting<T>, 'default'>, options: Common<readonly T[]>): Setting<readonly T[]> {
  const expected = `a list (a JSON array, or comma-separated in the environment) whose items are each ${item.expected}`;
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      let items: unknown = value;
      if (typeof value === 'string') {
        const trimmed = value.trim();
        items = trimmed.startsWith('[') ? safeJson(trimmed) : trimmed === '' ? [] : trimmed.split(',').map((part) => part.trim());
      }
      if (!Array.isArray(items)) throw new InvalidValue(expected);
      return Object.freeze(
        items.map((entry, index) => {
          try {
            return item.parse(entry);
          } catch (error) {
            if (error instanceof InvalidValue) throw new InvalidValue(`${expected} (item ${index + 1} is not: ${JSON.stringify(entry)})`);
            throw error;
          }
        }),
      );
    },
  };
}

/** A JSON object of string values (tags). */
export function stringMap(options: Common<Readonly<Record<string, string>>>): Setting<Readonly<Record<string, string>>> {
  const expected = 'a JSON object of string values, keys of 1–128 and values of 0–256 characters';
  return {
    description: options.description,
    expected,
    default: defaultFor(options.default),
    parse(value) {
      const parsed = typeof value === 'string' ? safeJson(value) : value;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidValue(expected);
      const entries = Object.entries(parsed);
      if (entries.some(([key, entry]) => typeof entry !== 'string' || key.length < 1 || key.length > 128 || entry.length > 256)) {
        throw new InvalidValue(expected);
      }
      return Object.freeze(Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))) as Record<string, string>;
    },
  };
}

export function safeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
