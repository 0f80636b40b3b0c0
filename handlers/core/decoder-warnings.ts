/**
 * Which decoder warnings say the pixel data is damaged, and which only that a metadata tag is
 * malformed.
 *
 * `failOn: 'warning'` makes libvips refuse an image as soon as its loader reports a warning. That
 * is what catches damage libjpeg would otherwise paper over ("Corrupt JPEG data: …", "Premature end
 * of JPEG file", also inside JPEG-compressed TIFF strips). But libtiff reports in the same way the
 * tags it repaired or skipped while reading the directory — an ASCII tag without its terminating
 * NUL, entries out of order, a descriptive tag with the wrong count — where the pixels are not
 * touched. Those are listed here, and only those: an allow-list, so a warning nobody has looked at
 * still counts as damage. A guess about the pixel layout ("Assuming that missing entries are…" for
 * BitsPerSample) is not metadata and is not listed.
 */
import { libvipsLines } from './describe';

/** sharp's line for an escalated warning, and libvips' for the region it was decoding then. */
const ESCALATED = /^Warning treated as error due to failOn setting$/;
const WRAPPERS = [ESCALATED, /^error in tile \d+ x \d+$/];

/**
 * TIFF tags that only describe the image (TIFF 6.0 names, as libtiff spells them). A tag libtiff
 * does not know is named "Tag <number>": it cannot be used to lay out pixels either.
 */
const DESCRIPTIVE_TAGS = new Set([
  'Artist',
  'Copyright',
  'DateTime',
  'DocumentName',
  'HostComputer',
  'ImageDescription',
  'InkNames',
  'Make',
  'Model',
  'Orientation',
  'PageName',
  'PageNumber',
  'ResolutionUnit',
  'Software',
  'TargetPrinter',
  'XPosition',
  'XResolution',
  'YPosition',
  'YResolution',
]);

const isDescriptiveTag = (name: string | undefined): boolean => name === undefined || DESCRIPTIVE_TAGS.has(name) || /^Tag \d+$/.test(name);

/** Warnings about metadata alone, as libtiff and libvips word them; `tag` names the tag when there is one. */
const METADATA_WARNINGS: readonly RegExp[] = [
  // libtiff adds the missing NUL, or cuts the text at an embedded one.
  /^ASCII value for (?:ASCII array )?tag "(?<tag>[^"]+)" (?:does not end in null byte|contains null byte in value)/,
  // libtiff sorts the entries itself.
  /^Invalid TIFF directory; tags are not sorted in ascending order$/,
  // libtiff drops the tag.
  /^Incorrect count for "(?<tag>[^"]+)"; tag ignored$/,
  /^incorrect count for field "(?<tag>[^"]+)", expected \d+, got \d+$/,
  // libvips ignores an embedded ICC profile it cannot parse (and never escalates this one itself).
  /^corrupt profile$/,
];

/** Whether one warning line concerns metadata only. */
export function isMetadataWarning(line: string): boolean {
  return METADATA_WARNINGS.some((pattern) => {
    const match = pattern.exec(line);
    return match !== null && isDescriptiveTag(match.groups?.['tag']);
  });
}

/** What a failed decode reported, once the wrapper lines are set aside. */
export type DecoderFailure =
  /** Only metadata warnings were escalated: decoding again with warnings allowed is safe. */
  | { readonly kind: 'metadata'; readonly warnings: readonly string[] }
  /** Anything else; `lines` is what the decoder said, empty when it said nothing specific. */
  | { readonly kind: 'damage'; readonly lines: readonly string[] };

/** What a decoder's error says about the image: its lines without the wrapper lines. */
export function reportedLines(error: unknown): string[] {
  return libvipsLines(error).filter((line) => !WRAPPERS.some((pattern) => pattern.test(line)));
}

/** Classify the error of a decode with `failOn: 'warning'`. */
export function classifyDecoderFailure(error: unknown): DecoderFailure {
  const escalated = libvipsLines(error).some((line) => ESCALATED.test(line));
  const lines = reportedLines(error);
  if (escalated && lines.length > 0 && lines.every(isMetadataWarning)) return { kind: 'metadata', warnings: lines };
  return { kind: 'damage', lines };
}

/** The lines of warnings heard during a decode, in order, repeats folded. */
export function warningLines(warnings: readonly string[]): string[] {
  return [...new Set(warnings.flatMap((warning) => libvipsLines(warning)))];
}
