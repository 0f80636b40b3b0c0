/**
 * Admitting work by memory, not by count, shared by the local runners and the worker: each piece
 * of work weighs its decoded size from the header (handlers/core/memory.ts) and starts only while
 * the weights of everything running fit the budget, so peak memory stays near budget + the
 * process's own overhead whatever the mix of images.
 */
import { totalmem } from 'node:os';

export const MiB = 1024 * 1024;

/** The memory this process may have: the machine's, or its control group's limit (a container's) when lower. */
export function processMemory(): number {
  const limit = process.constrainedMemory();
  return limit > 0 && limit < totalmem() ? limit : totalmem();
}

/** Half the memory this process may have. */
export function defaultMemoryBudget(): number {
  return Math.floor(processMemory() / 2 / MiB) * MiB;
}

export interface Admission {
  readonly capacity: number;
  /**
   * Waits, in order of asking, until `weight` fits beside what runs; resolves with the release.
   * Resolves with undefined instead when `signal` aborts first (the work is not to start).
   */
  admit(weight: number, signal?: AbortSignal): Promise<(() => void) | undefined>;
}

/** Weighted admission in order of arrival: bytes of memory for the budget, 1 per job for a concurrency limit. */
export function createAdmission(capacity: number): Admission {
  let used = 0;
  const waiting: { weight: number; start: () => void }[] = [];
  const drain = () => {
    while (waiting.length > 0 && used + waiting[0]!.weight <= capacity) {
      const next = waiting.shift()!;
      used += next.weight;
      next.start();
    }
  };
  return {
    capacity,
    admit(weight, signal) {
      if (weight > capacity) throw new RangeError(`Expected a weight within the capacity of ${capacity}, but received ${weight}.`);
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve(undefined);
        let released = false;
        const entry = {
          weight,
          start: () => {
            signal?.removeEventListener('abort', abandon);
            resolve(() => {
              if (released) return;
              released = true;
              used -= weight;
              drain();
            });
          },
        };
        const abandon = () => {
          const index = waiting.indexOf(entry);
          if (index >= 0) waiting.splice(index, 1);
          resolve(undefined);
          drain();
        };
        signal?.addEventListener('abort', abandon, { once: true });
        waiting.push(entry);
        drain();
      });
    },
  };
}
