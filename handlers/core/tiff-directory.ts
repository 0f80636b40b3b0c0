/**
 * A TIFF's first directory reduced to the tags that decoding its pixels needs.
 *
 * libtiff reports malformed metadata tags (an ASCII tag without its NUL, entries out of order, a
 * descriptive tag with the wrong count) as warnings, and libvips' `failOn: 'warning'` refuses the
 * image for them although the pixels are intact. Decoding the same bytes under a directory that
 * keeps only the layout tags, sorted, tells the two apart without reading any warning text: what
 * still warns concerns the pixels. The pixel data and every kept tag's values stay where they are;
 * only a new directory is appended and the header pointed at it.
 */

/** Tags libtiff and libvips read to lay out, decompress and colour-convert the first image. */
const DECODING_TAGS = new Set([
  256, // ImageWidth
  257, // ImageLength
  258, // BitsPerSample
  259, // Compression
  262, // PhotometricInterpretation
  266, // FillOrder
  273, // StripOffsets
  274, // Orientation, when well-formed
  277, // SamplesPerPixel
  278, // RowsPerStrip
  279, // StripByteCounts
  284, // PlanarConfiguration
  292, // T4Options
  293, // T6Options
  317, // Predictor
  320, // ColorMap
  322, // TileWidth
  323, // TileLength
  324, // TileOffsets
  325, // TileByteCounts
  332, // InkSet
  334, // NumberOfInks
  338, // ExtraSamples
  339, // SampleFormat
  347, // JPEGTables
  512, // JPEGProc, and 513–521: the old-style JPEG tags
  513,
  514,
  515,
  517,
  518,
  519,
  520,
  521,
  529, // YCbCrCoefficients
  530, // YCbCrSubSampling
  531, // YCbCrPositioning
  532, // ReferenceBlackWhite
  34675, // ICC profile, when it lies inside the file
]);

const ORIENTATION = 274;
const ICC_PROFILE = 34675;
const SHORT = 3;
/** Far more entries than any writer produces; a directory claiming more is not worth rewriting. */
const MAX_ENTRIES = 4096;

interface Format {
  readonly little: boolean;
  /** BigTIFF: 8-byte counts and offsets, 20-byte entries. */
  readonly big: boolean;
}

function u16(bytes: Buffer, at: number, { little }: Format): number {
  return little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at);
}

/** A count or offset: 4 bytes in classic TIFF, 8 in BigTIFF. */
function readOffset(bytes: Buffer, at: number, format: Format): number {
  if (!format.big) return format.little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
  return Number(format.little ? bytes.readBigUInt64LE(at) : bytes.readBigUInt64BE(at));
}

function writeOffset(target: Buffer, at: number, value: number, format: Format): void {
  if (!format.big) {
    if (format.little) target.writeUInt32LE(value, at);
    else target.writeUInt32BE(value, at);
  } else if (format.little) {
    target.writeBigUInt64LE(BigInt(value), at);
  } else {
    target.writeBigUInt64BE(BigInt(value), at);
  }
}

function formatOf(bytes: Buffer): Format | null {
  if (bytes.length < 16) return null;
  const order = bytes.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const little = order === 'II';
  const version = u16(bytes, 2, { little, big: false });
  if (version === 42) return { little, big: false };
  if (version === 43 && u16(bytes, 4, { little, big: false }) === 8) return { little, big: true };
  return null;
}

/** An Orientation libtiff would use: one SHORT from 1 to 8 (a malformed one it ignores, so do we). */
function usableOrientation(entry: Buffer, format: Format): boolean {
  const value = u16(entry, format.big ? 12 : 8, format);
  return u16(entry, 2, format) === SHORT && readOffset(entry, 4, format) === 1 && value >= 1 && value <= 8;
}

/** An ICC profile libtiff can read: its bytes lie inside the file (else libtiff ignores it, so do we). */
function usableProfile(entry: Buffer, format: Format, fileLength: number): boolean {
  const length = readOffset(entry, 4, format);
  if (length <= (format.big ? 8 : 4)) return true;
  return readOffset(entry, format.big ? 12 : 8, format) + length <= fileLength;
}

/**
 * The TIFF with a first directory of only {@link DECODING_TAGS}, in ascending order, and no further
 * pages; `null` when the data is not a TIFF whose first directory can be read.
 */
export function withDecodingTagsOnly(bytes: Buffer): Buffer | null {
  const format = formatOf(bytes);
  if (format === null) return null;
  const countSize = format.big ? 8 : 2;
  const entrySize = format.big ? 20 : 12;
  const pointerSize = format.big ? 8 : 4;
  const directory = readOffset(bytes, format.big ? 8 : 4, format);
  if (directory < 8 || directory + countSize > bytes.length) return null;
  const count = format.big ? readOffset(bytes, directory, format) : u16(bytes, directory, format);
  if (count > MAX_ENTRIES || directory + countSize + count * entrySize > bytes.length) return null;

  const kept = new Map<number, Buffer>();
  for (let i = 0; i < count; i += 1) {
    const entry = bytes.subarray(directory + countSize + i * entrySize, directory + countSize + (i + 1) * entrySize);
    const tag = u16(entry, 0, format);
    if (!DECODING_TAGS.has(tag) || kept.has(tag)) continue;
    if (tag === ORIENTATION && !usableOrientation(entry, format)) continue;
    if (tag === ICC_PROFILE && !usableProfile(entry, format, bytes.length)) continue;
    kept.set(tag, entry);
  }
  const entries = [...kept.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);

  const padding = Buffer.alloc((pointerSize - (bytes.length % pointerSize)) % pointerSize);
  const start = bytes.length + padding.length;
  if (!format.big && start > 0xffffffff) return null;
  const head = Buffer.alloc(countSize);
  if (format.big) writeOffset(head, 0, entries.length, format);
  else if (format.little) head.writeUInt16LE(entries.length);
  else head.writeUInt16BE(entries.length);
  const out = Buffer.concat([bytes, padding, head, ...entries, Buffer.alloc(pointerSize)]);
  writeOffset(out, format.big ? 8 : 4, start, format);
  return out;
}
