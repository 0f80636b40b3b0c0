/**
 * The raw working images that travel between steps through the processed bucket's scratch
 * prefix. Raw pixels cost no decode to read and no encode to write, which is what lets the
 * steps share one decode of the original.
 */
import { CodedError } from '../core/errors';
import type { RawImage } from '../core/raw-image';
import type { RawPointer } from '../workflow/events';
import type { ObjectStore } from './ports';

export interface WorkArea {
  readonly bucket: string;
  /** Scratch prefix, e.g. `_work/`; expired by a lifecycle rule in case a job dies mid-way. */
  readonly prefix: string;
}

export function workPrefixFor(area: WorkArea, jobId: string): string {
  return `${area.prefix}${jobId}/`;
}

export async function writeWorkingImage(
  objects: ObjectStore,
  area: WorkArea,
  jobId: string,
  name: string,
  image: RawImage,
): Promise<RawPointer> {
  const pointer = {
    bucket: area.bucket,
    key: `${workPrefixFor(area, jobId)}${name}.raw`,
    width: image.width,
    height: image.height,
    channels: image.channels,
  };
  await objects.put(pointer, image.data, {
    contentType: 'application/octet-stream',
    metadata: { width: String(image.width), height: String(image.height), channels: String(image.channels) },
  });
  return pointer;
}

export async function readWorkingImage(objects: ObjectStore, pointer: RawPointer): Promise<RawImage> {
  const expectedBytes = pointer.width * pointer.height * pointer.channels;
  const data = await objects.getBytes(pointer, { maxBytes: expectedBytes });
  if (data.length !== expectedBytes) {
    throw new CodedError(
      'INTERNAL',
      `Expected the working image ${pointer.key} to hold ${expectedBytes} bytes (${pointer.width} × ${pointer.height} × ${pointer.channels}), but it holds ${data.length}.`,
    );
  }
  return { data, width: pointer.width, height: pointer.height, channels: pointer.channels };
}
