/**
 * The photos `npm run bench` runs on: real wallpapers and photographs from Debian packages
 * (`bench/install-photos.sh` installs them), each package a corpus of its own, so a figure that
 * holds on one kind of image and not another shows. BENCH_PHOTOS=<folder>[:<folder>…] names other
 * folders; without any of them, the bundled generated samples are used.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface Corpus {
  /** Where it comes from, as the table names it. */
  readonly name: string;
  readonly files: readonly string[];
}

const IMAGE = /\.(jpe?g|png|webp|tiff?|gif|avif)$/i;

function imagesIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => IMAGE.test(name))
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .sort();
}

/** KDE Plasma's wallpapers ship each picture at many sizes: the one nearest full HD of each. */
function plasmaWallpapers(root: string): string[] {
  return readdirSync(root)
    .map((wallpaper) => join(root, wallpaper, 'contents', 'images'))
    .filter((folder) => existsSync(folder))
    .flatMap((folder) => {
      const bySize = imagesIn(folder).map((path) => ({ path, width: Number(/^(\d+)x\d+\./.exec(basename(path))?.[1] ?? NaN) }));
      const nearest = bySize.filter((entry) => Number.isFinite(entry.width)).sort((a, b) => Math.abs(a.width - 1920) - Math.abs(b.width - 1920))[0];
      return nearest ? [nearest.path] : [];
    })
    .sort();
}

/** Debian's packages, where installed. */
const PACKAGES: readonly { readonly name: string; readonly files: () => string[]; readonly folder: string }[] = [
  { name: 'mate-backgrounds (nature photographs)', folder: '/usr/share/backgrounds/mate/nature', files: () => imagesIn('/usr/share/backgrounds/mate/nature') },
  // The two 184-byte vnc-*.webp are plain fills for remote sessions, not pictures.
  { name: 'gnome-backgrounds (WebP)', folder: '/usr/share/backgrounds/gnome', files: () => imagesIn('/usr/share/backgrounds/gnome').filter((path) => statSync(path).size > 4096) },
  { name: 'plasma-workspace-wallpapers (nearest full HD)', folder: '/usr/share/wallpapers', files: () => plasmaWallpapers('/usr/share/wallpapers') },
];

export function benchCorpora(env: Readonly<Record<string, string | undefined>> = process.env): Corpus[] {
  if (env.BENCH_PHOTOS) {
    return env.BENCH_PHOTOS.split(':')
      .filter(Boolean)
      .map((folder) => ({ name: folder, files: imagesIn(folder) }));
  }
  const installed = PACKAGES.filter((entry) => existsSync(entry.folder)).map((entry) => ({ name: entry.name, files: entry.files() }));
  return installed.length > 0 ? installed : [{ name: 'samples (generated; run bench/install-photos.sh for real photos)', files: imagesIn('samples') }];
}
