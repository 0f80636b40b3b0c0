/** Parsing of fault specifications and the input/output-folder rules of the local runner. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutionFaults, parseFault, parseFaultList } from '../../local/faults';
import { assignFolders, collectInputFiles, outputFolders, readableName } from '../../local/inputs';
import { encodeEventKey, objectCreatedEvent } from '../../local/s3-event';

describe('fault specifications', () => {
  it('parses state, error, count and timing', () => {
    expect(parseFault('ResizeImage=TRANSIENT:2')).toEqual({ state: 'ResizeImage', error: 'TRANSIENT', times: 2, when: 'before' });
    expect(parseFault('OptimizeImage=INTERNAL')).toEqual({ state: 'OptimizeImage', error: 'INTERNAL', times: 1, when: 'before' });
    expect(parseFault('ApplyFilters=Lambda.ServiceException:*')).toEqual({ state: 'ApplyFilters', error: 'Lambda.ServiceException', times: Infinity, when: 'before' });
    expect(parseFault('OptimizeImage=INTERNAL:1:after')).toMatchObject({ when: 'after' });
  });

  it('reads the environment form: several, separated by commas, semicolons or spaces', () => {
    expect(parseFaultList('ResizeImage=TRANSIENT:2, OptimizeImage=INTERNAL;NotifyError=TRANSIENT').map((fault) => fault.state)).toEqual([
      'ResizeImage',
      'OptimizeImage',
      'NotifyError',
    ]);
    expect(parseFaultList(undefined)).toEqual([]);
    expect(parseFaultList('  ')).toEqual([]);
  });

  it.each(['ResizeImage', '=TRANSIENT', 'ResizeImage=', 'ResizeImage=TRANSIENT:0', 'ResizeImage=TRANSIENT:two', 'ResizeImage=TRANSIENT:1:later', 'Resize Image=X'])(
    'rejects %p with the expected syntax',
    (text) => {
      expect(() => parseFault(text)).toThrow(/Expected a fault as <State>=<Error>\[:<times>\|\*\]\[:after\]/);
    },
  );

  it('fails the first N attempts of a state in each execution', () => {
    const faults = new ExecutionFaults([parseFault('ResizeImage=TRANSIENT:2')]);
    expect(faults.next('ResizeImage')?.error.name).toBe('TRANSIENT');
    expect(faults.next('ApplyFilters')).toBeUndefined();
    expect(faults.next('ResizeImage')?.error.message).toMatch(/attempt 2 fails with TRANSIENT/);
    expect(faults.next('ResizeImage')).toBeUndefined();
    expect(new ExecutionFaults([parseFault('ResizeImage=TRANSIENT:2')]).next('ResizeImage')).toBeDefined();
  });
});

describe('inputs and output folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-inputs-'));
    await mkdir(join(dir, 'a', 'nested'), { recursive: true });
    await mkdir(join(dir, '.hidden'), { recursive: true });
    await mkdir(join(dir, 'out'), { recursive: true });
    for (const file of ['a/cat.jpg', 'a/nested/cat.png', 'a/.DS_Store', '.hidden/x.jpg', 'dog photo.jpeg', 'out/old.webp']) {
      await writeFile(join(dir, file), 'x');
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads folders recursively in a stable order, skipping hidden entries and the output folder', async () => {
    const files = await collectInputFiles([dir, join(dir, 'a', 'cat.jpg')], { exclude: [join(dir, 'out')] });
    expect(files.map((file) => file.input)).toEqual([join(dir, 'a/cat.jpg'), join(dir, 'a/nested/cat.png'), join(dir, 'dog photo.jpeg')]);
    expect(files[0]).toMatchObject({ bytes: 1 });
    expect((await collectInputFiles([join(dir, 'a')])).map((file) => file.input)).toEqual([join(dir, 'a/cat.jpg'), join(dir, 'a/nested/cat.png')]);
  });

  it('says what is wrong with a missing input', async () => {
    await expect(collectInputFiles([join(dir, 'missing.jpg')])).rejects.toThrow(/Expected ".*missing.jpg" to be a file or folder, but nothing exists at that path/);
  });

  it('names folders readably after the inputs and keeps them distinct', () => {
    expect(readableName('photos/Crème brûlée (1).JPG')).toBe('Creme-brulee-1');
    expect(readableName('.jpg')).toBe('jpg');
    expect(readableName('???.png')).toBe('image');
    expect(assignFolders(['a/cat.jpg', 'b/cat.png', 'c/CAT.gif', 'report.json.jpg'], ['report.json'])).toEqual(['cat', 'cat-2', 'CAT-3', 'report.json-2']);
    expect(outputFolders(['x/report.json.png'])).toEqual(['report.json-2']);
  });
});

describe('S3 events', () => {
  it('encode keys as S3 does and carry the fields start-workflow reads', () => {
    expect(encodeEventKey('uploads/run 1/Crème+brûlée.jpg')).toBe('uploads/run+1/Cr%C3%A8me%2Bbr%C3%BBl%C3%A9e.jpg');
    const event = objectCreatedEvent([{ bucket: 'raw', key: 'uploads/a b.jpg', size: 3, eTag: '"abc"', region: 'us-east-1', eventTime: new Date(0) }]);
    expect(event.Records[0]).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      eventTime: '1970-01-01T00:00:00.000Z',
      s3: { bucket: { name: 'raw', arn: 'arn:aws:s3:::raw' }, object: { key: 'uploads/a+b.jpg', size: 3, eTag: 'abc' } },
    });
  });
});
