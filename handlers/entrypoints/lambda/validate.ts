/** ValidateImage: header checks, the one full decode, the raw working image. */
import { readRuntimeEnv } from '../../runtime/env';
import { limitsFrom, presetFromJson } from '../../runtime/image-settings';
import { recordValidated } from '../../runtime/outcome-telemetry';
import { validateUpload } from '../../steps/validate';
import { workerThresholdFrom } from '../../workflow/routing';
import { jobStore, objectStore, workArea } from '../dependencies';
import { lambdaHandler } from './lambda-handler';
import { parseJobEvent } from './parse-event';

export const handler = lambdaHandler('validate', async (event, context, telemetry) => {
  const settings = readRuntimeEnv('validate');
  // Lambda's context carries the function's configured memory (the local runner's does too).
  const memoryMb = Number(context?.memoryLimitInMB);
  const threshold = workerThresholdFrom(settings);
  const result = await validateUpload(parseJobEvent(event), {
    objects: objectStore(),
    jobs: jobStore(settings),
    work: workArea(settings),
    preset: presetFromJson(settings.imagePreset),
    limits: limitsFrom(settings),
    ...(threshold ? { workerThreshold: threshold } : {}),
    ...(memoryMb > 0 ? { memoryLimitBytes: memoryMb * 1024 * 1024 } : {}),
    log: telemetry.logger,
  });
  recordValidated(result, telemetry);
  return result;
});
