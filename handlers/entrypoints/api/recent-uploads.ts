/**
 * Upload lookups answered again for a moment: a status poll asks for the same upload over and
 * over, and each lookup is a DynamoDB query. A lookup is reused while it is younger than
 * `freshMs` (1 s by default, the gallery's poll interval), so a status change shows within that
 * long; lookups of one upload that arrive while its query is in flight share that query. Owner
 * isolation is untouched: the record's owner is checked on every request (uploads.ts), and a
 * record's owner never changes. A delete through this instance forgets the upload at once; other
 * instances see it within `freshMs`. Failed lookups are never reused.
 */
import type { UploadWithJobs } from '../../adapters/upload-store';
import type { UploadsDeps } from './uploads';

type UploadStore = UploadsDeps['uploads'];

/** How long a lookup is reused: the gallery polls once a second. */
export const FRESH_LOOKUP_MS = 1000;
/** Enough for every upload polled at once; the oldest entries go first beyond it. */
const MAX_ENTRIES = 10_000;

export class RecentUploads implements UploadStore {
  private readonly lookups = new Map<string, { readonly found: Promise<UploadWithJobs | undefined>; readonly freshUntil: number }>();

  constructor(
    private readonly store: UploadStore,
    private readonly freshMs: number = FRESH_LOOKUP_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async create(upload: Parameters<UploadStore['create']>[0]): Promise<void> {
    await this.store.create(upload);
    this.lookups.delete(upload.uploadId);
  }

  find(uploadId: string): Promise<UploadWithJobs | undefined> {
    const recent = this.lookups.get(uploadId);
    if (recent && recent.freshUntil > this.now()) return recent.found;
    const found = this.store.find(uploadId);
    this.lookups.delete(uploadId);
    if (this.lookups.size >= MAX_ENTRIES) this.lookups.delete(this.lookups.keys().next().value as string);
    const entry = { found, freshUntil: this.now() + this.freshMs };
    this.lookups.set(uploadId, entry);
    found.catch(() => {
      if (this.lookups.get(uploadId) === entry) this.lookups.delete(uploadId);
    });
    return found;
  }

  list(owner: string, options: Parameters<UploadStore['list']>[1]): ReturnType<UploadStore['list']> {
    return this.store.list(owner, options);
  }

  async markDeleted(uploadId: string, owner: string, at: Date): Promise<boolean> {
    try {
      return await this.store.markDeleted(uploadId, owner, at);
    } finally {
      this.lookups.delete(uploadId);
    }
  }
}
