/**
 * Admitting work by memory, not by count: each input weighs its decoded size from the header
 * (handlers/core/memory.ts) and runs only while the weights of everything running fit the
 * budget, so peak memory stays near budget + the runner's own overhead whatever the mix of
 * images. An input that alone exceeds the budget gets EXCEEDS_MEMORY instead of running.
 */
import { totalmem } from 'node:os';
import { isCodedError } from '../handlers/core/errors';
import { inspectImage } from '../handlers/core/inspect';
import type { Limits } from '../handlers/core/limits';
import { decodedBytes, requireDecodeFits } from '../handlers/core/memory';
import type { JobError } from '../handlers/workflow/events';
import { UserError } from './user-error';

export const MiB = 1024 * 1024;

/** Half the memory this process may have: the machine's, or its control group's limit when lower. */
export function defaultMemoryBudget(): number {
  const limit = process.constrainedMemory();
  const available = limit > 0 && limit < totalmem() ? limit : totalmem();
  return Math.floor(available / 2 / MiB) * MiB;
}

/** `--memory-budget <MiB>` in bytes. @throws UserError */
export function parseMemoryBudget(text: string): number {
  const mib = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(mib) || mib < 1) {
    throw new UserError(`Expected --memory-budget to be a whole number of MiB of at least 1, but received "${text}".`);
  }
  return mib * MiB;
}

/**
 * What admitting `bytes` (an upload's or a file's contents) costs: its decoded size, or 0 when
 * the pipeline rejects it from the header before decoding (wrong format, over a limit). With the
 * verdict EXCEEDS_MEMORY when it cannot fit the budget at all.
 */
export async function admissionWeight(bytes: Buffer, limits: Limits, budget: number): Promise<{ weight: number; verdict?: JobError }> {
  let info;
  try {
    info = await inspectImage(bytes, limits);
  } catch (error) {
    if (isCodedError(error)) return { weight: 0 };
    throw error;
  }
  try {
    requireDecodeFits(info, budget, 'the memory budget (--memory-budget)');
  } catch (error) {
    if (isCodedError(error)) return { weight: 0, verdict: { code: error.code, message: error.message } };
    throw error;
  }
  return { weight: decodedBytes(info) };
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
