/** ValidateImage: header checks, the one full decode, the raw working image. */
import { readRuntimeEnv } from '../../runtime/env';
import { limitsFrom, presetFromJson } from '../../runtime/image-settings';
import { validateUpload } from '../../steps/validate';
import { jobStore, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseJobEvent } from './parse-event';

export const handler = lambdaHandler('validate', (event) => {
  const settings = readRuntimeEnv('validate');
  return validateUpload(parseJobEvent(event), {
    objects: objectStore(),
    jobs: jobStore(settings),
    work: workArea(settings),
    preset: presetFromJson(settings.imagePreset),
    limits: limitsFrom(settings),
  });
});
