import { INPUT_FORMATS } from '../../../handlers/core/format';
import { newUploadId, parseUploadKey, safeFileName, UPLOAD_ID_PATTERN, UPLOAD_MEDIA_TYPES, uploadKey } from '../../../handlers/core/upload-key';

describe('upload keys', () => {
  it('accepts exactly the media types of the formats the pipeline always accepts', () => {
    const always = Object.values(INPUT_FORMATS).filter((format) => format.accepted && format.label !== 'HEIC').map((format) => format.mediaType);
    expect([...UPLOAD_MEDIA_TYPES].sort()).toEqual(always.sort());
  });

  it.each([
    ['Holiday photo.JPG', 'Holiday-photo.JPG'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\cat.png', 'cat.png'],
    ['.hidden', 'hidden'],
    ['日本.jpg', 'jpg'],
    ['', 'upload'],
    ['a'.repeat(300) + '.jpg', 'a'.repeat(96) + '.jpg'],
  ])('makes %j safe as %j', (name, safe) => {
    expect(safeFileName(name)).toBe(safe);
  });

  it('round-trips the owner and upload id through the key, and ignores keys it did not make', () => {
    const uploadId = newUploadId();
    expect(uploadId).toMatch(UPLOAD_ID_PATTERN);
    const key = uploadKey('uploads/', { owner: 'alice', uploadId, fileName: 'My cat.jpg' });
    expect(key).toBe(`uploads/alice/${uploadId}/My-cat.jpg`);
    expect(parseUploadKey('uploads/', key)).toEqual({ owner: 'alice', uploadId, fileName: 'My-cat.jpg' });
    expect(parseUploadKey('uploads/', 'uploads/photo.jpg')).toBeUndefined();
    expect(parseUploadKey('uploads/', `uploads/Alice/${uploadId}/x.jpg`)).toBeUndefined();
    expect(parseUploadKey('uploads/', `uploads/alice/${uploadId}/deeper/x.jpg`)).toBeUndefined();
    expect(parseUploadKey('other/', key)).toBeUndefined();
  });
});
