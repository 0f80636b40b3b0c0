/**
 * Stack settings of the local stage for one test file: `IMAGE_PROCESSOR_LOCAL_<SETTING>`
 * variables set while a local system starts (it reads its settings then), and put back after.
 */
import { applyEnvironment } from '../../support/emulators';

export async function withLocalSettings<T>(settings: Readonly<Record<string, string>>, start: () => Promise<T>): Promise<T> {
  const restore = applyEnvironment(Object.fromEntries(Object.entries(settings).map(([name, value]) => [`IMAGE_PROCESSOR_LOCAL_${name}`, value])));
  try {
    return await start();
  } finally {
    restore();
  }
}
