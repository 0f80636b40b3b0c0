/**
 * The heavy-image route end to end, with the worker in-process as `npm start` runs it: images over
 * the threshold go ValidateImage → ImageValid → ChooseProcessor → ProcessOnWorker → NotifySuccess
 * and get the same seven outputs as the ones the image functions process; a verdict the worker
 * reaches (the decode finds the data damaged) ends the job FAILED with its code through NotifyError.
 */
import sharp from 'sharp';
import { garbageInScanJpeg, photoLikeJpeg } from '../../fixtures/images';
import { DEFAULT_OUTPUTS, startHarness, stateNames, type Harness } from '../harness';
import { withLocalSettings } from './stage-settings';

const THRESHOLD_PIXELS = 1_000_000;

let harness: Harness;
beforeAll(async () => {
  harness = await withLocalSettings({ WORKER_THRESHOLD_PIXELS: String(THRESHOLD_PIXELS) }, () => startHarness());
});
afterAll(async () => harness?.stop());

describe('ProcessOnWorker', () => {
  it('processes images over the threshold on the worker, the rest on the functions, with the same seven outputs', async () => {
    const heavy = await photoLikeJpeg(1600, 1200);
    const light = await photoLikeJpeg(800, 600);
    const result = await harness.run({ 'heavy.jpg': heavy, 'light.jpg': light });
    expect(result.problems).toEqual([]);

    const onWorker = result.job('heavy.jpg');
    expect(onWorker.report.status).toBe('SUCCEEDED');
    expect(stateNames(onWorker.report)).toEqual(['ValidateImage', 'ImageValid', 'ChooseProcessor', 'ProcessOnWorker', 'NotifySuccess']);
    expect(onWorker.report.outputs.map((output) => output.name).sort()).toEqual(DEFAULT_OUTPUTS);
    const large = onWorker.report.outputs.find((output) => output.name === 'large.webp')!;
    expect(await sharp(`${result.outDir}/${large.path}`).metadata()).toMatchObject({ width: 1600, height: 1200, format: 'webp' });
    expect(onWorker.trace.record?.worker?.outputs).toHaveLength(7);

    const onFunctions = result.job('light.jpg');
    expect(stateNames(onFunctions.report)).toEqual(['ValidateImage', 'ImageValid', 'ChooseProcessor', 'ProcessImage', 'ResizeImage', 'ApplyFilters', 'OptimizeImage', 'NotifySuccess']);
    expect(onFunctions.report.outputs.map((output) => output.name).sort()).toEqual(DEFAULT_OUTPUTS);
  });

  it('fails a heavy image the worker finds damaged with its code, through NotifyError', async () => {
    const result = await harness.run({ 'damaged.jpg': garbageInScanJpeg(await photoLikeJpeg(1600, 1200)) });
    const damaged = result.job('damaged.jpg');
    expect(result.problems).toEqual([]);
    expect(damaged.report).toMatchObject({ status: 'FAILED', error: { code: 'CORRUPT' }, outputs: [] });
    expect(stateNames(damaged.report)).toEqual(['ValidateImage', 'ImageValid', 'ChooseProcessor', 'ProcessOnWorker', 'NotifyError']);
  });
});
