/** ApplyFilters: the preset's filtered variants, derived from the raw working image. */
import { readRuntimeEnv } from '../../runtime/env';
import { presetFromJson } from '../../runtime/image-settings';
import { applyFilters } from '../../steps/derive-renditions';
import { jobStore, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseDeriveEvent } from './parse-event';

export const handler = lambdaHandler('filters', (event) => {
  const settings = readRuntimeEnv('filters');
  return applyFilters(parseDeriveEvent(event), {
    objects: objectStore(),
    jobs: jobStore(settings),
    work: workArea(settings),
    preset: presetFromJson(settings.imagePreset),
  });
});
