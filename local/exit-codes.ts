/**
 * The exit status of both local commands:
 *   0    every input got a verdict (a rejected image is a result)
 *   1    the system failed (emulators, an execution, a cross-check, publishing)
 *   2    the user's arguments, preset, settings, inputs or --out are wrong
 *   3    with --strict: every input got a verdict, and at least one is FAILED
 *   130  interrupted (Ctrl-C): a partial report marked interrupted was written
 */
import type { Report } from './report';

export const EXIT_OK = 0;
export const EXIT_SYSTEM_FAILED = 1;
export const EXIT_USER_MISTAKE = 2;
export const EXIT_STRICT_FAILED = 3;
export const EXIT_INTERRUPTED = 130;

export function exitCodeFor(run: { readonly report: Report; readonly problems: readonly string[] }, strict: boolean): number {
  if (run.report.interrupted) return EXIT_INTERRUPTED;
  if (run.problems.length > 0) return EXIT_SYSTEM_FAILED;
  if (strict && run.report.summary.failed > 0) return EXIT_STRICT_FAILED;
  return EXIT_OK;
}
