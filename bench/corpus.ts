/**
 * The photos the benchmark runs on. Real camera photos make the figures meaningful: by default
 * the nature photographs of Debian's `mate-backgrounds` package (GPL-2+/CC, installed by
 * `bench/install-photos.sh`), or any folder named by BENCH_PHOTOS; the bundled generated
 * samples only when neither is there.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { collectInputFiles } from '../local/inputs';

const DEBIAN_PHOTOS = '/usr/share/backgrounds/mate/nature';
const SAMPLES = 'samples';

export interface CorpusImage {
  readonly path: string;
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
}

export async function loadCorpus(): Promise<{ source: string; images: CorpusImage[] }> {
  const source = process.env.BENCH_PHOTOS ?? (existsSync(DEBIAN_PHOTOS) ? DEBIAN_PHOTOS : SAMPLES);
  const paths = (await collectInputFiles([source])).map((file) => file.input).filter((path) => /\.(jpe?g|png|webp|tiff?|gif|avif)$/i.test(path));
  const images = await Promise.all(
    paths.map(async (path) => {
      const bytes = await readFile(path);
      const { width = 0, height = 0 } = await sharp(bytes).metadata();
      return { path, bytes, width, height };
    }),
  );
  return { source, images };
}
