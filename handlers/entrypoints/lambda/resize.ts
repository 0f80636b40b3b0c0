/** ResizeImage: the preset's renditions, derived from the raw working image. */
import { readRuntimeEnv } from '../../runtime/env';
import { presetFromJson } from '../../runtime/image-settings';
import { resizeImage } from '../../steps/derive-renditions';
import { jobStore, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseDeriveEvent } from './parse-event';

export const handler = lambdaHandler('resize', (event) => {
  const settings = readRuntimeEnv('resize');
  return resizeImage(parseDeriveEvent(event), {
    objects: objectStore(),
    jobs: jobStore(settings),
    work: workArea(settings),
    preset: presetFromJson(settings.imagePreset),
  });
});
