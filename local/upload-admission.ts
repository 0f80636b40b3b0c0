/**
 * `npm run serve`'s memory budget. Uploads arrive whenever clients send them, so each one's
 * execution is started only once its decoded size fits beside those running (memory-budget.ts,
 * the same weighing as a batch), and its weight is released when the execution settles. An
 * upload the pipeline rejects before decoding weighs nothing; one that alone exceeds the budget
 * runs alone rather than never (ValidateImage still holds it to its function's memory).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Limits } from '../handlers/core/limits';
import { createAdmission } from '../handlers/runtime/admission';
import { admissionWeight } from './memory-budget';

export interface UploadToAdmit {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
}

/** Starts `run` for an upload once it fits the budget; resolves when `run`'s work has settled. */
export type AdmitUpload = (upload: UploadToAdmit, run: () => Promise<unknown>) => Promise<void>;

export function uploadAdmission(s3: S3Client, limits: Limits, budgetBytes: number): AdmitUpload {
  const memory = createAdmission(budgetBytes);
  const weigh = async ({ bucket, key, size }: UploadToAdmit): Promise<number> => {
    // Over the byte limit it is refused by size, unread, as in AWS.
    if (size > limits.maxBytes) return 0;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    const { weight, verdict } = await admissionWeight(bytes, limits, budgetBytes);
    return verdict ? budgetBytes : weight;
  };
  return async (upload, run) => {
    const release = await memory.admit(await weigh(upload));
    try {
      await run();
    } finally {
      release?.();
    }
  };
}
