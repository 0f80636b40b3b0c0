import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_DEFINITION } from '../../../asl/definition';
import { ERROR_CODES, CodedError, isCodedError, isValidationError } from '../../../handlers/core/errors';
import { walkStates } from '../../../local/state-machine';

const ROOT = join(__dirname, '..', '..', '..');

/** The codes in README.md's table (the first column, one or more `CODE`s per row). */
function readmeCodes(): string[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const header = lines.findIndex((line) => /^\|\s*code\s*\|\s*meaning\s*\|$/.test(line));
  expect(header).toBeGreaterThanOrEqual(0);
  const rows = lines.slice(header + 2);
  const table = rows.slice(0, rows.findIndex((line) => !line.startsWith('|')));
  return table.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!));
}

/** Every TypeScript file under handlers/ and local/ (the local runners give verdicts too, e.g. NOT_A_FILE) but errors.ts itself, which only declares the codes. */
function handlerSources(): string {
  return ['handlers', 'local']
    .flatMap((folder) =>
      readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((path) => path.endsWith('.ts') && join(folder, path) !== join('handlers', 'core', 'errors.ts'))
        .map((path) => readFileSync(join(ROOT, folder, path), 'utf8')),
    )
    .join('\n');
}

const retried = new Set(walkStates(PIPELINE_DEFINITION).flatMap(([, state]) => (state.Retry ?? []).flatMap((retrier) => (retrier as { ErrorEquals: string[] }).ErrorEquals)));

describe('CodedError', () => {
  it('carries its code as its name, which is what Lambda reports and the state machine matches', () => {
    const error = new CodedError('CORRUPT', 'Expected intact JPEG data, but it ends early.');
    expect(error).toMatchObject({ name: 'CORRUPT', code: 'CORRUPT', message: 'Expected intact JPEG data, but it ends early.' });
    expect(isCodedError(error)).toBe(true);
    expect(isCodedError(new Error('x'))).toBe(false);
  });

  it('tells verdicts on the image from failures of the system: no verdict is retried, what is retried is no verdict', () => {
    const verdicts = ERROR_CODES.filter((code) => isValidationError(new CodedError(code, '')));
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.filter((code) => retried.has(code))).toEqual([]);
    const retriedCodes = ERROR_CODES.filter((code) => retried.has(code));
    expect(retriedCodes).toContain('TRANSIENT');
    expect(retriedCodes.filter((code) => isValidationError(new CodedError(code, '')))).toEqual([]);
    expect(['INTERNAL', 'INVALID_INPUT', 'INVALID_PRESET'].filter((code) => (verdicts as readonly string[]).includes(code))).toEqual([]);
    expect(isValidationError(new Error('CORRUPT'))).toBe(false);
  });
});

describe('ERROR_CODES', () => {
  it('are each documented in README.md’s code table, which names no other code', () => {
    const documented = readmeCodes();
    expect(ERROR_CODES.filter((code) => !documented.includes(code))).toEqual([]);
    expect(documented.filter((code) => !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });

  it('are each used by the state machine, handler code or the local runners (a code nothing raises or matches is dead)', () => {
    const sources = handlerSources();
    const definition = JSON.stringify(PIPELINE_DEFINITION);
    const unused = ERROR_CODES.filter((code) => !definition.includes(`"${code}"`) && !new RegExp(`['"\`]${code}['"\`]`).test(sources));
    expect(unused).toEqual([]);
  });
});
