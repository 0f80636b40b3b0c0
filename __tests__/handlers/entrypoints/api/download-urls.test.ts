import { ReusedDownloadUrls } from '../../../../handlers/entrypoints/api/download-urls';

function counting() {
  let signed = 0;
  return {
    presigner: {
      upload: async () => ({ url: 'https://upload', fields: {} }),
      download: async (bucket: string, key: string, expires: number) => `https://${bucket}/${key}?expires=${expires}&n=${++signed}`,
    },
    signed: () => signed,
  };
}

describe('ReusedDownloadUrls', () => {
  it('hands out the same URL during the first half of its lifetime, then a new one', async () => {
    let now = 0;
    const { presigner, signed } = counting();
    const urls = new ReusedDownloadUrls(presigner, () => now);
    const first = await urls.download('b', 'job/thumb.webp', 300);
    now = 149_999;
    expect(await urls.download('b', 'job/thumb.webp', 300)).toBe(first);
    now = 150_000;
    expect(await urls.download('b', 'job/thumb.webp', 300)).not.toBe(first);
    expect(signed()).toBe(2);
  });

  it('signs each object and lifetime on its own', async () => {
    const { presigner, signed } = counting();
    const urls = new ReusedDownloadUrls(presigner, () => 0);
    await urls.download('b', 'job/thumb.webp', 300);
    await urls.download('b', 'job/thumb.jpg', 300);
    await urls.download('other', 'job/thumb.webp', 300);
    await urls.download('b', 'job/thumb.webp', 60);
    expect(signed()).toBe(4);
  });

  it('passes presigned uploads through, never reused', async () => {
    const { presigner } = counting();
    const urls = new ReusedDownloadUrls(presigner, () => 0);
    expect(await urls.upload({ bucket: 'b', key: 'k', contentType: 'image/jpeg', maxBytes: 1, expiresSeconds: 1 })).toEqual({ url: 'https://upload', fields: {} });
  });
});
