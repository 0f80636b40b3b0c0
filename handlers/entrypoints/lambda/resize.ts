/** ResizeImage: the preset's renditions, derived from the raw working image. */
import { resizeImage } from '../../steps/derive-renditions';
import { jobStore, objectStore } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseDeriveEvent } from './parse-event';
import { presetFromEnv } from '../../runtime/image-settings';
import { workArea } from '../../runtime/runtime-config';

export const handler = lambdaHandler('resize', (event) =>
  resizeImage(parseDeriveEvent(event), { objects: objectStore(), jobs: jobStore(), work: workArea(), preset: presetFromEnv() }),
);
