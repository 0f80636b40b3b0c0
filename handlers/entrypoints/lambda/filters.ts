/** ApplyFilters: the preset's filtered variants, derived from the raw working image. */
import { applyFilters } from '../../steps/derive-renditions';
import { jobStore, objectStore } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseDeriveEvent } from './parse-event';
import { presetFromEnv } from '../../runtime/image-settings';
import { workArea } from '../../runtime/runtime-config';

export const handler = lambdaHandler('filters', (event) =>
  applyFilters(parseDeriveEvent(event), { objects: objectStore(), jobs: jobStore(), work: workArea(), preset: presetFromEnv() }),
);
