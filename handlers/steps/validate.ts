/**
 * ValidateImage: the cheap checks first (the size from the event; format, pixels and frames from
 * the first 64 KiB, read on their own), then the one full decode of the original, which both
 * proves the data is intact and produces the raw working image every later step derives from. A
 * verdict on the image is returned as a result (the state machine's Choice routes it); anything
 * else is thrown for Retry/Catch. An image over the worker threshold passes every check but the
 * decode, which the worker does (with more memory) after ChooseProcessor sends it there.
 */
import { decodeMaster } from '../core/decode';
import { isValidationError } from '../core/errors';
import { HEADER_PREFIX_BYTES, inspectHeader, inspectImage } from '../core/inspect';
import { tooLargeError, type Limits } from '../core/limits';
import { decodedBytes, functionDecodeAllowance, requireDecodeFits } from '../core/memory';
import type { Preset } from '../core/preset';
import type { JobInput, ValidationResult } from '../workflow/events';
import { routesToWorker, type WorkerThreshold } from '../workflow/routing';
import type { JobStore, ObjectStore, StepLog } from './ports';
import { writeWorkingImage, type WorkArea } from './working-images';

export interface ValidateDeps {
  readonly objects: ObjectStore;
  readonly jobs: Pick<JobStore, 'advance'>;
  readonly work: WorkArea;
  readonly preset: Preset;
  readonly limits: Limits;
  /** The function's memory; an image whose decode cannot fit in it fails with EXCEEDS_MEMORY. @default no check */
  readonly memoryLimitBytes?: number;
  /** Images over it are checked but not decoded: the worker decodes them. @default none: every image is decoded here */
  readonly workerThreshold?: WorkerThreshold;
  /** Where a repaired upload's warnings are logged (they are recorded on the job in any case). @default not logged */
  readonly log?: StepLog;
}

/**
 * The upload's bytes, its header first when it is larger than that: a file that is not an
 * accepted image, or declares too many pixels or frames, is refused having cost one small read.
 */
async function readUpload(source: JobInput['source'], deps: ValidateDeps): Promise<Buffer> {
  const maxBytes = deps.limits.maxBytes;
  if (source.size <= HEADER_PREFIX_BYTES) return deps.objects.getBytes(source, { maxBytes });
  const head = await deps.objects.getBytes(source, { maxBytes, range: { start: 0, end: HEADER_PREFIX_BYTES - 1 } });
  await inspectHeader(head, deps.limits);
  const rest = await deps.objects.getBytes(source, { maxBytes, range: { start: head.length, end: source.size - 1 } });
  return Buffer.concat([head, rest]);
}

export async function validateUpload(
  job: Pick<JobInput, 'jobId' | 'source'>,
  deps: ValidateDeps,
): Promise<ValidationResult> {
  await deps.jobs.advance(job.jobId, 'VALIDATING');
  try {
    if (job.source.size > deps.limits.maxBytes) throw tooLargeError(deps.limits.maxBytes, job.source.size);
    const bytes = await readUpload(job.source, deps);
    const info = await inspectImage(bytes, deps.limits);
    const facts = {
      valid: true,
      format: info.format,
      width: info.width,
      height: info.height,
      pages: info.pages,
      bytes: info.bytes,
      pixels: info.width * info.height,
      decodedBytes: decodedBytes(info),
    } as const;
    if (routesToWorker(facts, deps.workerThreshold)) return facts;
    if (deps.memoryLimitBytes !== undefined) {
      requireDecodeFits(info, functionDecodeAllowance(deps.memoryLimitBytes, info.bytes), 'the function’s memory');
    }
    const master = await decodeMaster(bytes, info, deps.preset, deps.limits);
    if (master.warnings.length > 0) {
      const { warnings } = master;
      deps.log?.warn('Accepted with malformed metadata the decoder repaired or skipped', { warnings });
      await deps.jobs.advance(job.jobId, 'VALIDATING', { details: { warnings } });
    }
    return { ...facts, master: await writeWorkingImage(deps.objects, deps.work, job.jobId, 'master', master) };
  } catch (error) {
    if (isValidationError(error)) {
      return { valid: false, error: { code: error.code, message: error.message } };
    }
    throw error;
  }
}
