/**
 * Each class of hostile input goes through ImageValid (a verdict) or a Catch to NotifyError: the job
 * record holds its code, an error notification is published, the original stays in the raw bucket
 * and nothing is left in the processed bucket.
 */
import {
  EMPTY_FILE,
  garbageInScanJpeg,
  headerOnlyJpeg,
  HTML_FILE,
  photoLikeJpeg,
  pixelBombPng,
  SVG_WITH_EXTERNAL_ENTITY,
  TEXT_FILE,
  truncatedJpeg,
} from '../fixtures/images';
import { startHarness, stateNames, type Harness } from './harness';


/** Small, so the over-the-limit input stays cheap to make; every other input is far below it. */
const MAX_INPUT_BYTES = 1024 * 1024;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ environment: { MAX_INPUT_BYTES: String(MAX_INPUT_BYTES) } });
});
afterAll(() => harness?.stop());

it('every hostile input ends in NotifyError with its code, an error notification, the original kept and no outputs', async () => {
  const photo = await photoLikeJpeg(320, 240, { seed: 11 });
  const cases: Record<string, [Buffer, string]> = {
    'empty.jpg': [EMPTY_FILE, 'EMPTY'],
    'notes.jpg': [TEXT_FILE, 'UNSUPPORTED_FORMAT'],
    'page.png': [HTML_FILE, 'UNSUPPORTED_FORMAT'],
    'truncated.jpg': [truncatedJpeg(photo), 'CORRUPT'],
    'garbage.jpg': [garbageInScanJpeg(photo), 'CORRUPT'],
    'header-only.jpg': [headerOnlyJpeg(photo), 'CORRUPT'],
    'xxe.svg': [SVG_WITH_EXTERNAL_ENTITY, 'UNSUPPORTED_FORMAT'],
    'bomb.png': [pixelBombPng({ megabytes: 8 }), 'TOO_MANY_PIXELS'],
    'huge.jpg': [Buffer.concat([photo, Buffer.alloc(MAX_INPUT_BYTES + 1 - photo.length)]), 'TOO_LARGE'],
  };
  const run = await harness.run(Object.fromEntries(Object.entries(cases).map(([name, [bytes]]) => [name, bytes])));
  expect(run.problems).toEqual([]);
  expect(run.report.summary).toMatchObject({ succeeded: 0, failed: Object.keys(cases).length });

  const outcomes = Object.fromEntries(Object.keys(cases).map((name) => [name, run.job(name).report.error?.code]));
  expect(outcomes).toEqual(Object.fromEntries(Object.entries(cases).map(([name, [, code]]) => [name, code])));

  for (const name of Object.keys(cases)) {
    const { trace, report } = run.job(name);
    const code = cases[name]![1];
    expect(report).toMatchObject({ status: 'FAILED', outputs: [], error: { code, message: expect.stringMatching(/\w+ \w+/) } });
    // A verdict travels ValidateImage → ImageValid (Default) → NotifyError.
    expect(stateNames(report)).toEqual(['ValidateImage', 'ImageValid', 'NotifyError']);
    expect(trace.record).toMatchObject({ status: 'FAILED', error: { code } });
    expect(trace.notifications).toEqual([
      expect.objectContaining({ topic: 'error', jobId: trace.jobId, message: expect.objectContaining({ type: 'image.failed', error: expect.objectContaining({ code }) }) }),
    ]);
    expect(await harness.system.rawObjectExists(trace.source.key)).toBe(true);
    expect(trace.processedKeys).toEqual([]);
    expect(await harness.system.processedKeys(`${harness.system.resources.workPrefix}${trace.jobId}/`)).toEqual([]);
  }
});
