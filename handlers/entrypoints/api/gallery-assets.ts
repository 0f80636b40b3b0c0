/** The gallery page's three files, built by esbuild from handlers/entrypoints/api/gallery/ (packaging or the local runner). */
export interface GalleryAssets {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}
