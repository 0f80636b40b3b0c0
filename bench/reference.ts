/**
 * The yardstick: the least work that produces the default preset's seven outputs with sharp.
 * Decode once (shrink-on-load to the largest width, oriented, sRGB, 8-bit raw), then derive
 * every output from that raw buffer. Nothing is validated, recorded or notified.
 */
import sharp from 'sharp';

const WIDTHS = { thumb: 320, medium: 1024, large: 2048 } as const;

export async function onePass(bytes: Buffer): Promise<{ name: string; data: Buffer }[]> {
  const { data, info } = await sharp(bytes, { failOn: 'warning', pages: 1 })
    .autoOrient()
    .resize({ width: WIDTHS.large, withoutEnlargement: true })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  const from = (width: number) => sharp(data, raw).resize({ width, withoutEnlargement: true });
  const jobs = Object.entries(WIDTHS).flatMap(([name, width]) => [
    from(width).webp({ quality: 80 }).toBuffer().then((out) => ({ name: `${name}.webp`, data: out })),
    from(width)
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer()
      .then((out) => ({ name: `${name}.jpg`, data: out })),
  ]);
  jobs.push(
    from(WIDTHS.medium)
      .grayscale()
      .webp({ quality: 80 })
      .toBuffer()
      .then((out) => ({ name: 'medium-grayscale.webp', data: out })),
  );
  return Promise.all(jobs);
}
