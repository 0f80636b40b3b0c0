/**
 * Presigned download URLs handed out again while they are young: a status poll asks for the same
 * seven outputs every time, and signing them was a good part of each lookup's CPU. A URL is
 * reused for the first half of its lifetime only, so every URL a caller receives stays valid for
 * at least half of `expiresSeconds`. Only the URLs are reused: the job's status and its outputs are
 * read afresh on every request, and ownership is checked before a URL is asked for.
 */
import type { UploadsDeps } from './uploads';

type Presigner = UploadsDeps['presigner'];

/** Enough for every output polled at once; the oldest entries go first beyond it. */
const MAX_ENTRIES = 10_000;

export class ReusedDownloadUrls implements Presigner {
  private readonly issued = new Map<string, { readonly url: string; readonly reuseUntil: number }>();

  constructor(
    private readonly presigner: Presigner,
    private readonly now: () => number = Date.now,
  ) {}

  upload(policy: Parameters<Presigner['upload']>[0]): ReturnType<Presigner['upload']> {
    return this.presigner.upload(policy);
  }

  async download(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    const cacheKey = `${expiresSeconds}\0${bucket}\0${key}`;
    const reusable = this.issued.get(cacheKey);
    if (reusable && reusable.reuseUntil > this.now()) return reusable.url;
    const url = await this.presigner.download(bucket, key, expiresSeconds);
    this.issued.delete(cacheKey);
    if (this.issued.size >= MAX_ENTRIES) this.issued.delete(this.issued.keys().next().value as string);
    this.issued.set(cacheKey, { url, reuseUntil: this.now() + (expiresSeconds * 1000) / 2 });
    return url;
  }
}
