/**
 * Ctrl-C for the local commands: the first SIGINT aborts the returned signal, so the run takes
 * no more work, winds down what is in flight and writes a partial report; a second SIGINT ends
 * the process at once (the next run in the same --out cleans up after it).
 */
import { EXIT_INTERRUPTED } from './exit-codes';

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stops listening (the command is done). */
  release(): void;
}

export function trapInterrupt(say: (line: string) => void): Interrupt {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      say('Interrupted again: stopping now, without a report; the next run in the same --out cleans up.');
      process.exit(EXIT_INTERRUPTED);
    }
    say('Interrupted: taking no more work, finishing or abandoning what is in flight, then writing a partial report (Ctrl-C again to stop at once).');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  return { signal: controller.signal, release: () => void process.off('SIGINT', onSignal) };
}
