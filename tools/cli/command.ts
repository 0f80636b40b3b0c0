/**
 * How every command of this repository ends: a user's mistake (bad arguments, an unknown stack, an
 * invalid setting) exits 2 with a sentence saying what was expected; a system failure (a missing
 * binary, an unreachable registry, a failed build) exits 1 with a sentence; never a stack trace.
 */

/** The person running the command asked for something that cannot be: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Something the command needs is missing or failed: exit 1. */
export class SystemError extends Error {
  override readonly name = 'SystemError';
}

export const EXIT = { ok: 0, system: 1, usage: 2 } as const;

export interface Streams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Errors other than these two are reported by their message alone, as system failures. */
export function exitCodeOf(error: unknown, isUsage: (error: unknown) => boolean = () => false): number {
  return error instanceof UsageError || isUsage(error) ? EXIT.usage : EXIT.system;
}

/** Runs a command's body and turns what it throws into a message and an exit code. */
export async function runCommand(
  body: () => Promise<void>,
  options: { readonly streams?: Streams; readonly isUsage?: (error: unknown) => boolean } = {},
): Promise<number> {
  const streams = options.streams ?? process;
  try {
    await body();
    return EXIT.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    streams.stderr.write(`${message}\n`);
    return exitCodeOf(error, options.isUsage);
  }
}

/** `--name value` and `--name=value` options, `--flag` booleans, the rest positional; unknown options are a UsageError. */
export function parseArguments(
  argv: readonly string[],
  spec: { readonly flags?: readonly string[]; readonly options?: readonly string[] },
  usage: string,
): { readonly flags: ReadonlySet<string>; readonly options: ReadonlyMap<string, string>; readonly positional: readonly string[] } {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (!argument.startsWith('-') || argument === '-') {
      positional.push(argument);
      continue;
    }
    const [name, inline] = argument.split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === '-h' || name === '--help') flags.add('help');
    else if (spec.flags?.includes(name.slice(2))) flags.add(name.slice(2));
    else if (spec.options?.includes(name.slice(2))) {
      const value = inline ?? argv[++index];
      if (value === undefined || value === '') throw new UsageError(`Expected a value after ${name}, but received none. ${usage}`);
      options.set(name.slice(2), value);
    } else {
      const known = [...(spec.flags ?? []), ...(spec.options ?? []), 'help'].map((option) => `--${option}`).join(', ');
      throw new UsageError(`Expected one of the options ${known}, but received ${JSON.stringify(argument)}. ${usage}`);
    }
  }
  return { flags, options, positional };
}
