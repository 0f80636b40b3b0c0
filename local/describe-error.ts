/** A failure of a call, in one line for a problem sentence: a Task failure by its error name and Lambda's message. */
import { causeMessage } from '../handlers/workflow/failure';
import { TaskFailure } from './lambda-invoke';

export function describeError(error: unknown): string {
  if (error instanceof TaskFailure) return `${error.name}: ${causeMessage(error.message) ?? 'no cause given'}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
