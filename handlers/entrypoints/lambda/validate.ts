/** ValidateImage: header checks, the one full decode, the raw working image. */
import { validateUpload } from '../../steps/validate';
import { jobStore, objectStore } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseJobEvent } from './parse-event';
import { limitsFromEnv, presetFromEnv } from '../../runtime/image-settings';
import { workArea } from '../../runtime/runtime-config';

export const handler = lambdaHandler('validate', (event) =>
  validateUpload(parseJobEvent(event), {
    objects: objectStore(),
    jobs: jobStore(),
    work: workArea(),
    preset: presetFromEnv(),
    limits: limitsFromEnv(),
  }),
);
