import { CodedError } from '../../../../handlers/core/errors';
import {
  parseDeriveEvent,
  parseJobEvent,
  parseNotifyErrorEvent,
  parseNotifySuccessEvent,
  parseOptimizeEvent,
  parseS3Event,
} from '../../../../handlers/entrypoints/lambda/parse-event';

function s3Record(overrides: Record<string, unknown> = {}) {
  return {
    eventName: 'ObjectCreated:Put',
    eventTime: '2026-11-27T10:00:00.000Z',
    s3: { bucket: { name: 'raw-uploads' }, object: { key: 'uploads/My+Photo%281%29.jpg', size: 1234, eTag: 'abc', versionId: 'v1' } },
    ...overrides,
  };
}

function expectInvalid(run: () => unknown, fragment: string) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('INVALID_INPUT');
    expect((error as CodedError).message).toContain(fragment);
    return;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('parseS3Event', () => {
  it('decodes keys the way S3 encodes them in events', () => {
    expect(parseS3Event({ Records: [s3Record()] })).toEqual([
      { bucket: 'raw-uploads', key: 'uploads/My Photo(1).jpg', size: 1234, etag: 'abc', versionId: 'v1', eventTime: '2026-11-27T10:00:00.000Z' },
    ]);
  });

  it('ignores records that are not object creations', () => {
    expect(parseS3Event({ Records: [s3Record({ eventName: 'ObjectRemoved:Delete' })] })).toEqual([]);
  });

  it('names the missing field', () => {
    expectInvalid(() => parseS3Event({}), 'event.Records');
    expectInvalid(() => parseS3Event({ Records: [s3Record({ s3: { bucket: { name: 'b' }, object: { key: 'k' } } })] }), 'event.Records[0].s3.object.size');
    const removal = s3Record({ eventName: 'ObjectRemoved:Delete' });
    expectInvalid(() => parseS3Event({ Records: [removal, s3Record({ eventTime: 7 })] }), 'event.Records[1].eventTime');
  });

  it('says so when the event is not an object at all', () => {
    expectInvalid(() => parseS3Event(null), 'Expected event to be an object, but received null.');
  });

  it('leaves out an empty ETag or version id, which pins nothing', () => {
    const record = s3Record({ s3: { bucket: { name: 'b' }, object: { key: 'k', size: 1, eTag: '', versionId: '' } } });
    expect(parseS3Event({ Records: [record] })).toEqual([{ bucket: 'b', key: 'k', size: 1, eventTime: '2026-11-27T10:00:00.000Z' }]);
  });
});

describe('step events', () => {
  const master = { bucket: 'processed', key: '_work/j/master.raw', width: 10, height: 5, channels: 3 };

  it('parses a job event', () => {
    expect(parseJobEvent({ jobId: 'j', source: { bucket: 'b', key: 'k', size: 3 } })).toEqual({
      jobId: 'j',
      source: { bucket: 'b', key: 'k', size: 3 },
    });
    expectInvalid(() => parseJobEvent({ jobId: 'j', source: { bucket: 'b', key: 'k', size: '3' } }), 'event.source.size to be a number, but received "3"');
  });

  it('rejects a working image with an impossible channel count', () => {
    expect(parseDeriveEvent({ jobId: 'j', master })).toEqual({ jobId: 'j', master });
    expectInvalid(() => parseDeriveEvent({ jobId: 'j', master: { ...master, channels: 2 } }), 'event.master.channels to be 3 or 4');
  });

  it('parses the intermediates OptimizeImage receives', () => {
    const resized = [{ name: 'thumb', rendition: 'thumb', filter: null, raw: master }];
    const filtered = [{ name: 'medium-grayscale', rendition: 'medium', filter: 'grayscale', raw: master }];
    expect(parseOptimizeEvent({ jobId: 'j', resized, filtered })).toEqual({ jobId: 'j', resized, filtered });
    expectInvalid(() => parseOptimizeEvent({ jobId: 'j', resized: [{ ...resized[0], raw: undefined }], filtered }), 'event.resized[0].raw');
  });

  it('passes NotifySuccess the outputs as OptimizeImage wrote them', () => {
    const source = { bucket: 'b', key: 'k', versionId: 'v1' };
    const outputs = [{ name: 'thumb.webp', filter: null, format: 'webp', width: 1, height: 1, bytes: 9, bucket: 'p', key: 'j/thumb.webp' }];
    expect(parseNotifySuccessEvent({ jobId: 'j', source, outputs })).toEqual({ jobId: 'j', source, outputs });
    expectInvalid(() => parseNotifySuccessEvent({ jobId: 'j', source, outputs: {} }), 'Expected event.outputs to be an array, but received an object.');
  });

  it('passes NotifyError the verdict or the caught error, whichever the state holds', () => {
    const source = { bucket: 'b', key: 'k' };
    const caught = { Error: 'CORRUPT', Cause: 'x' };
    expect(parseNotifyErrorEvent({ jobId: 'j', source, error: caught, extra: 1 })).toEqual({ jobId: 'j', source, error: caught });
  });
});
