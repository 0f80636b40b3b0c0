/**
 * Reading what a failed decode reported: what the error says about the image, and which of its
 * lines are libtiff's complaints about a metadata tag, to name on the job record.
 *
 * Naming only: whether an upload is accepted never depends on these words (see decodeMaster).
 * sharp gathers libvips' warnings in one queue for the whole process and appends to an error
 * whatever is queued when it is reported, so while several decodes run the lines may belong to
 * another image, or be missing; keeping only these wordings keeps a stranger's damage report off
 * this job's record.
 */
import { libvipsLines } from './describe';

/** sharp's line for an escalated warning, and libvips' for the region it was decoding then. */
const WRAPPERS = [/^Warning treated as error due to failOn setting$/, /^error in tile \d+ x \d+$/];

/** libtiff's words for a tag it repaired, reordered or ignored while reading the directory. */
const METADATA_WARNINGS: readonly RegExp[] = [
  /^ASCII value for (?:ASCII array )?tag "[^"]+" (?:does not end in null byte|contains null byte in value)/,
  /^Invalid TIFF directory; tags are not sorted in ascending order$/,
  /^(?:Incorrect count for|Incompatible type for|IO error during reading of) "[^"]+"; tag ignored$/,
  /^incorrect count for field "[^"]+", expected \d+, got \d+$/,
  /^Bad value \d+ for "[^"]+" tag$/,
  // libvips' own, for an embedded ICC profile it cannot parse and then ignores.
  /^corrupt profile$/,
];

/** What a decoder's error says about the image: its lines without the wrapper lines. */
export function reportedLines(error: unknown): string[] {
  return libvipsLines(error).filter((line) => !WRAPPERS.some((pattern) => pattern.test(line)));
}

/** The reported lines worded as libtiff words a problem with one metadata tag (or libvips a profile). */
export function metadataWarnings(error: unknown): string[] {
  return reportedLines(error).filter((line) => METADATA_WARNINGS.some((pattern) => pattern.test(line)));
}
