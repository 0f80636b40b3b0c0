/**
 * The local runners' memory budget (`--memory-budget`) and what an input weighs against it; the
 * admission itself is handlers/runtime/admission.ts, which the worker shares. An input that alone
 * exceeds the budget gets EXCEEDS_MEMORY instead of running.
 */
import { isCodedError } from '../handlers/core/errors';
import { inspectImage } from '../handlers/core/inspect';
import type { Limits } from '../handlers/core/limits';
import { decodedBytes, requireDecodeFits } from '../handlers/core/memory';
import type { JobError } from '../handlers/workflow/events';
import { MiB } from '../handlers/runtime/admission';
import { UserError } from './user-error';

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
