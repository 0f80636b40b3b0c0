/**
 * Builds the gallery's three files: gallery.ts bundled and minified by esbuild for current
 * browsers, index.html and gallery.css as they are. Packaging puts them beside the API bundle;
 * `npm run serve` builds them in memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { GalleryAssets } from '../gallery-assets';

export async function buildGallery(): Promise<GalleryAssets> {
  const result = await build({
    entryPoints: [join(__dirname, 'gallery.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome120', 'firefox120', 'safari17'],
    legalComments: 'none',
    charset: 'utf8',
    write: false,
  });
  return {
    html: readFileSync(join(__dirname, 'index.html'), 'utf8'),
    js: result.outputFiles[0]!.text,
    css: readFileSync(join(__dirname, 'gallery.css'), 'utf8'),
  };
}
