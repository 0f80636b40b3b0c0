/**
 * The payloads that travel between the workflow's states. They carry pointers
 * (bucket, key, version) and job context, never image bytes, so an execution's
 * state stays far below Step Functions' 256 KB limit whatever the image size.
 */
import type { ErrorCode } from '../core/errors';

/** Where an object lives. */
export interface ObjectPointer {
  readonly bucket: string;
  readonly key: string;
  /** S3 version id, when the bucket is versioned. */
  readonly versionId?: string;
  /** The ETag the object had when its event was sent; pins the revision where there is no version id. */
  readonly etag?: string;
}

/** Part of an object: inclusive offsets, as in HTTP `Range: bytes=<start>-<end>`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Execution input, written by start-workflow. */
export interface JobInput {
  readonly jobId: string;
  readonly source: ObjectPointer & { readonly size: number };
  /** ISO-8601 time the upload was received. */
  readonly receivedAt: string;
}

/** A decoded, oriented, sRGB working image stored as raw pixels for the later steps. */
export interface RawPointer extends ObjectPointer {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
}

/** Result of ValidateImage, stored at `$.validation`. */
export type ValidationResult =
  | {
      readonly valid: true;
      readonly format: string;
      readonly width: number;
      readonly height: number;
      readonly pages: number;
      readonly bytes: number;
      /** Width × height of one frame: what ChooseProcessor compares with the worker threshold. */
      readonly pixels: number;
      /** Memory one frame takes decoded (handlers/core/memory.ts): what the worker admits it by. */
      readonly decodedBytes: number;
      /**
       * The working image every later step derives from: the original is decoded once. Absent for
       * an image over the worker threshold, which ValidateImage leaves undecoded for the worker.
       */
      readonly master?: RawPointer;
    }
  | { readonly valid: false; readonly error: JobError };

/** An intermediate rendition (raw pixels) named as its final outputs will be. */
export interface IntermediateRendition {
  /** Output base name, e.g. `medium` or `medium-grayscale`. */
  readonly name: string;
  readonly rendition: string;
  /** Filter label, or null when none. */
  readonly filter: string | null;
  readonly raw: RawPointer;
}

/** One final output in the processed bucket. */
export interface OutputRecord {
  readonly name: string;
  readonly filter: string | null;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly bucket: string;
  readonly key: string;
}

export interface JobError {
  readonly code: ErrorCode | string;
  readonly message: string;
}
