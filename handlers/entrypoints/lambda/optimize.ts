/** OptimizeImage: encodes the intermediates into the web-ready outputs. */
import { readRuntimeEnv } from '../../runtime/env';
import { presetFromJson } from '../../runtime/image-settings';
import { recordOutputsWritten } from '../../runtime/outcome-telemetry';
import { optimizeImage } from '../../steps/optimize';
import { jobStore, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseOptimizeEvent } from './parse-event';

export const handler = lambdaHandler('optimize', async (event, _context, telemetry) => {
  const settings = readRuntimeEnv('optimize');
  const result = await optimizeImage(parseOptimizeEvent(event), {
    objects: objectStore(),
    jobs: jobStore(settings),
    work: workArea(settings),
    preset: presetFromJson(settings.imagePreset),
    outputBucket: settings.processedBucket,
  });
  recordOutputsWritten(result.outputs, telemetry);
  return result;
});
