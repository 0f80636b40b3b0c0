/**
 * Encoding: raw renditions to web-ready files. Outputs carry no metadata at all: sharp writes
 * none unless asked (`keepMetadata`, `withMetadata`, `withExif`, `withIccProfile` are never
 * called), and raw input has none to carry anyway. Pixels are sRGB, so no profile is needed.
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { parseHexColour } from './colour';
import { CodedError } from './errors';
import { OUTPUT_FORMATS, type OutputFormatSpec } from './output-formats';
import { formatsFor, type Preset } from './preset';
import { rawInput, type RawImage } from './raw-image';
import type { RawRendition } from './renditions';

export interface EncodedOutput {
  /** File name, e.g. `thumb.webp`, `medium-grayscale.webp`. */
  readonly name: string;
  /** Name without extension, e.g. `medium-grayscale`. */
  readonly base: string;
  readonly rendition: string;
  /** Filter labels joined by '-', or null. */
  readonly filter: string | null;
  /** sharp's name: `jpeg`, `webp`, `png`, `avif`. */
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
  readonly contentType: string;
}

function configure(pipeline: Sharp, image: RawImage, spec: OutputFormatSpec, flattenBackground: string): Sharp {
  switch (spec.format) {
    case 'jpeg': {
      const flattened = image.channels === 4 ? pipeline.flatten({ background: parseHexColour(flattenBackground) ?? '#ffffff' }) : pipeline;
      return flattened.jpeg({ quality: spec.quality, mozjpeg: spec.mozjpeg });
    }
    case 'webp':
      return pipeline.webp({ quality: spec.quality, effort: spec.effort, lossless: spec.lossless });
    case 'png':
      return pipeline.png({ compressionLevel: spec.compressionLevel, palette: spec.palette });
    case 'avif':
      return pipeline.avif({ quality: spec.quality, effort: spec.effort });
  }
}

/**
 * Encode one raw image in one format. JPEG flattens alpha onto `flattenBackground`;
 * WebP, PNG and AVIF keep it.
 * @throws CodedError `UNSUPPORTED_DIMENSIONS` when the image exceeds the format's size limit.
 */
export async function encodeImage(
  image: RawImage,
  spec: OutputFormatSpec,
  flattenBackground: string,
): Promise<{ data: Buffer; width: number; height: number }> {
  const { maxDimension, label } = OUTPUT_FORMATS[spec.format];
  if (image.width > maxDimension || image.height > maxDimension) {
    throw new CodedError(
      'UNSUPPORTED_DIMENSIONS',
      `Expected at most ${maxDimension} × ${maxDimension} pixels for ${label}, but the image is ${image.width} × ${image.height}.`,
    );
  }
  const pipeline = configure(sharp(image.data, { raw: rawInput(image), limitInputPixels: false }), image, spec, flattenBackground);
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Every output the preset assigns to this rendition's base name (renditions: `formats`; variants: their own). */
export async function encodeRendition(rendition: RawRendition, preset: Preset): Promise<EncodedOutput[]> {
  return Promise.all(
    formatsFor(preset, rendition.name).map(async (spec): Promise<EncodedOutput> => {
      const { extension, contentType } = OUTPUT_FORMATS[spec.format];
      const encoded = await encodeImage(rendition.image, spec, preset.flattenBackground);
      return {
        name: `${rendition.name}.${extension}`,
        base: rendition.name,
        rendition: rendition.rendition,
        filter: rendition.filter,
        format: spec.format,
        width: encoded.width,
        height: encoded.height,
        data: encoded.data,
        contentType,
      };
    }),
  );
}
