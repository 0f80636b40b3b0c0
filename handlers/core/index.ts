/** The pure image core: no AWS SDK, no I/O besides the bytes it is given. */
export { ImageError, IMAGE_ERROR_CODES, isImageError, isValidationError, type ImageErrorCode } from './errors';
export { DEFAULT_LIMITS, parseLimits, type Limits } from './limits';
export {
  acceptedFormatsPhrase,
  canDecodeHevc,
  detectFormat,
  INPUT_FORMATS,
  requireSupportedFormat,
  sniffFormat,
  type DetectedFormat,
  type ImageFormat,
  type InputFormatInfo,
  type SniffResult,
} from './format';
export { inspectImage, jpegStructureProblem, type ImageInfo } from './inspect';
export {
  DEFAULT_PRESET,
  DEFAULT_PRESET_JSON,
  formatsFor,
  largestRenditionWidth,
  OUTPUT_FORMATS,
  parsePreset,
  plannedOutputs,
  type AvifFormat,
  type JpegFormat,
  type OutputFormat,
  type OutputFormatInfo,
  type OutputFormatSpec,
  type PlannedOutput,
  type PngFormat,
  type Preset,
  type RenditionSpec,
  type VariantSpec,
  type WebpFormat,
} from './preset';
export {
  applyFilter,
  applyFilterChain,
  applyFilters,
  FILTER_NAMES,
  FILTERS,
  filterLabel,
  parseFilter,
  planFilterStages,
  type FilterName,
  type FilterSpec,
} from './filters';
export type { RawImage } from './raw-image';
export { checkOutputDimensions, decodeMaster, masterWidth, renditionSize } from './decode';
export { filterVariants, resizeRenditions, resizeTo, type RawRendition } from './renditions';
export { encodeImage, encodeRendition, type EncodedOutput } from './encode';
export { processImage, type ProcessOptions, type ProcessResult, type ProcessStep } from './process';
