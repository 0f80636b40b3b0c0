/** OptimizeImage: encodes the intermediates into the web-ready outputs. */
import { optimizeImage } from '../../steps/optimize';
import { jobStore, objectStore } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseOptimizeEvent } from './parse-event';
import { presetFromEnv } from '../../runtime/image-settings';
import { requireEnv, workArea } from '../../runtime/runtime-config';

export const handler = lambdaHandler('optimize', (event) =>
  optimizeImage(parseOptimizeEvent(event), {
    objects: objectStore(),
    jobs: jobStore(),
    work: workArea(),
    preset: presetFromEnv(),
    outputBucket: requireEnv('PROCESSED_BUCKET'),
  }),
);
