/** Options both local commands take, parsed the same way (node:util parseArgs), each mistake one sentence. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseMemoryBudget } from './memory-budget';
import { UserError } from './user-error';

export const COMMON_OPTIONS = {
  out: { type: 'string' },
  preset: { type: 'string' },
  concurrency: { type: 'string' },
  'memory-budget': { type: 'string' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export function parseConcurrency(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new UserError(`Expected --concurrency to be a whole number of at least 1, but received "${text}".`);
  return value;
}

/** parseArgs with unknown options and missing values as UserError. */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

/** The values of the common options, checked. */
export function commonValues(values: { concurrency?: string | undefined; 'memory-budget'?: string | undefined }): { concurrency?: number; memoryBudgetBytes?: number } {
  return {
    ...(values.concurrency === undefined ? {} : { concurrency: parseConcurrency(values.concurrency) }),
    ...(values['memory-budget'] === undefined ? {} : { memoryBudgetBytes: parseMemoryBudget(values['memory-budget']) }),
  };
}
