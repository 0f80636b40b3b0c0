/**
 * The API on the fleet: run by the instance's systemd unit as `node api/index.js` with the
 * variables the stack writes. On SIGTERM (the ASG's lifecycle hook, an instance refresh, a Spot
 * interruption) it stops accepting connections and finishes the requests in flight within
 * SHUTDOWN_GRACE_SECONDS, which the stack keeps inside the load balancer's deregistration delay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRuntimeEnv } from '../../runtime/env';
import { invocationTelemetry } from '../../runtime/telemetry';
import { startApi } from './start';

/** Where packaging puts the gallery's files: beside the bundle. */
const GALLERY_DIR = join(__dirname, 'gallery');

const { logger } = invocationTelemetry('api', undefined, {});

export async function main(): Promise<void> {
  const settings = readRuntimeEnv('api');
  const read = (file: string) => readFileSync(join(GALLERY_DIR, file), 'utf8');
  const api = await startApi(settings, { html: read('index.html'), js: read('gallery.js'), css: read('gallery.css') });
  logger.info('Listening', { url: api.url });
  process.once('SIGTERM', () => {
    logger.info('SIGTERM: draining the requests in flight', { graceSeconds: settings.shutdownGraceSeconds });
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    logger.error('The API could not start', { error: error instanceof Error ? error : String(error) });
    process.exit(1);
  });
}
