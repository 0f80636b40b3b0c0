import sharp from 'sharp';
import {
  acceptedFormatsPhrase,
  canDecodeHevc,
  detectFormat,
  INPUT_FORMATS,
  requireSupportedFormat,
  sniffFormat,
} from '../../../handlers/core/format';
import { expectCodedError } from '../../fixtures/expect-error';
import { HEIC_HEADER, HTML_FILE, SVG_WITH_EXTERNAL_ENTITY, TEXT_FILE, solid } from '../../fixtures/images';
import { aviFile, wavFile } from '../../fixtures/riff';

describe('detectFormat', () => {
  it.each([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['tiff', 'image/tiff'],
    ['avif', 'image/avif'],
  ] as const)('recognises %s from its magic bytes', async (format, mediaType) => {
    const bytes = await solid(format);
    expect(detectFormat(bytes)).toEqual({ format, mediaType, label: INPUT_FORMATS[format].label });
  });

  it('recognises big-endian TIFF and an AVIF whose major brand is the generic mif1', () => {
    expect(detectFormat(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))?.format).toBe('tiff');
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmif1\0\0\0\0mif1avif', 'latin1')]);
    expect(detectFormat(ftyp)?.format).toBe('avif');
  });

  it('looks only at content: a JPEG header followed by anything is JPEG, text is never JPEG', () => {
    expect(detectFormat(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), TEXT_FILE]))?.format).toBe('jpeg');
    expect(detectFormat(TEXT_FILE)).toBeNull();
  });

  it.each([
    ['plain text', TEXT_FILE],
    ['HTML', HTML_FILE],
    ['SVG', SVG_WITH_EXTERNAL_ENTITY],
    ['PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n', 'latin1')],
    ['HEIC', HEIC_HEADER],
    ['random bytes', Buffer.from([0x00, 0x13, 0x37, 0x99, 0xfe, 0x01, 0x02, 0x03])],
  ])('returns null for %s', (_label, bytes) => {
    expect(detectFormat(bytes)).toBeNull();
  });
});

describe('sniffFormat (recognising refused formats for clearer messages)', () => {
  it.each([
    ['plain text', TEXT_FILE, 'plain text'],
    ['HTML', HTML_FILE, 'an HTML document'],
    ['SVG with an XML declaration', SVG_WITH_EXTERNAL_ENTITY, 'SVG (XML) data'],
    ['bare SVG after whitespace and a BOM', Buffer.from('\uFEFF  \n<svg xmlns="http://www.w3.org/2000/svg"/>', 'utf8'), 'SVG (XML) data'],
    ['XML', Buffer.from('<?xml version="1.0"?><note>hi</note>', 'utf8'), 'an XML document'],
    ['PDF', Buffer.from('%PDF-1.4\n', 'latin1'), 'a PDF document'],
    ['JSON', Buffer.from('{"image": "no"}', 'utf8'), 'JSON or other text'],
    ['gzip (SVGZ)', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]), 'gzip-compressed data (for example SVGZ)'],
    ['BMP', Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(12), Buffer.from([40, 0, 0, 0])]), 'a BMP image'],
  ])('%s', (_label, bytes, label) => {
    expect(sniffFormat(bytes)).toEqual(expect.objectContaining({ kind: 'rejected', label }));
  });

  it('classifies long UTF-8 text as text even when the 4 KiB window cuts a character in two', () => {
    const text = Buffer.from('€'.repeat(2000), 'utf8'); // 3 bytes each: 4096 falls inside a character
    expect(sniffFormat(text)).toEqual({ kind: 'rejected', label: 'plain text' });
  });

  it('leaves binary data with control characters unknown', () => {
    expect(sniffFormat(Buffer.from([0x41, 0x42, 0x00, 0x01, 0x02]))).toEqual({ kind: 'unknown' });
  });

  it('tells RIFF files apart by their form type: only WEBP is WebP', async () => {
    expect(sniffFormat(await solid('webp'))).toEqual(expect.objectContaining({ kind: 'image', format: 'webp' }));
    expect(sniffFormat(wavFile())).toEqual({ kind: 'rejected', label: 'a RIFF "WAVE" file (audio or video)' });
    expect(sniffFormat(aviFile())).toEqual({ kind: 'rejected', label: 'a RIFF "AVI " file (audio or video)' });
  });

  it('identifies HEIC as HEIF from its ftyp brands', () => {
    expect(sniffFormat(HEIC_HEADER)).toEqual(expect.objectContaining({ kind: 'image', format: 'heif' }));
  });
});

describe('HEIC and the prebuilt sharp', () => {
  it('knows the prebuilt sharp decodes AVIF but not HEVC-compressed HEIF', async () => {
    expect(canDecodeHevc()).toBe(false);
    expect(INPUT_FORMATS.heif.accepted).toBe(false);
    // The same build cannot produce HEVC either, while AV1 works both ways.
    const create = { create: { width: 8, height: 8, channels: 3 as const, background: '#336699' } };
    await expect(sharp(create).heif({ compression: 'hevc' }).toBuffer()).rejects.toThrow();
    const avif = await sharp(create).avif().toBuffer();
    expect((await sharp(avif).metadata()).width).toBe(8);
  });

  it('refuses HEIC with a sentence that says why and what to do', async () => {
    const error = await expectCodedError(() => requireSupportedFormat(HEIC_HEADER), 'UNSUPPORTED_FORMAT');
    expect(error.message).toContain('HEIC');
    expect(error.message).toContain('cannot decode HEVC');
    expect(error.message).toContain('JPEG');
  });
});

describe('requireSupportedFormat', () => {
  it('names the accepted formats (the allow-list) in every refusal', async () => {
    expect(acceptedFormatsPhrase()).toBe('JPEG, PNG, WebP, GIF, TIFF or AVIF');
    const error = await expectCodedError(() => requireSupportedFormat(TEXT_FILE), 'UNSUPPORTED_FORMAT');
    expect(error.message).toBe('Expected a JPEG, PNG, WebP, GIF, TIFF or AVIF image, but received plain text.');
  });

  it('says SVG is never parsed', async () => {
    const error = await expectCodedError(() => requireSupportedFormat(SVG_WITH_EXTERNAL_ENTITY), 'UNSUPPORTED_FORMAT');
    expect(error.message).toContain('SVG');
    expect(error.message).toContain('never parsed');
  });

  it('shows the first bytes of unknown data', async () => {
    const error = await expectCodedError(
      () => requireSupportedFormat(Buffer.from([0x00, 0x13, 0x37, 0x99, 0xfe, 0x01, 0x02, 0x03, 0x04])),
      'UNSUPPORTED_FORMAT',
    );
    expect(error.message).toContain('00 13 37 99 fe 01 02 03 …');
  });

  it.each([
    ['a WAV', wavFile(), 'WAVE'],
    ['an AVI', aviFile(), 'AVI '],
  ])('refuses %s from its magic bytes, naming its RIFF form type', async (_label, bytes, form) => {
    expect(detectFormat(bytes)).toBeNull();
    const error = await expectCodedError(() => requireSupportedFormat(bytes), 'UNSUPPORTED_FORMAT');
    expect(error.message).toBe(`Expected a JPEG, PNG, WebP, GIF, TIFF or AVIF image, but received a RIFF "${form}" file (audio or video).`);
  });

  it('returns the detected format of an accepted image', async () => {
    expect(requireSupportedFormat(await solid('webp'))).toEqual({ format: 'webp', label: 'WebP', mediaType: 'image/webp' });
  });
});
