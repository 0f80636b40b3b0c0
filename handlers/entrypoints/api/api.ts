/**
 * The API on the fleet: run by the instance's systemd unit as `node api/index.js` with the
 * variables the stack writes. On SIGTERM (the ASG's lifecycle hook, an instance refresh, a Spot
 * interruption) it stops accepting connections and finishes the requests in flight within
 * SHUTDOWN_GRACE_SECONDS, which the stack keeps inside the load balancer's deregistration delay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRuntimeEnv } from '../../runtime/env';
import { startApi } from './start';

/** Where packaging puts the gallery's files: beside the bundle. */
const GALLERY_DIR = join(__dirname, 'gallery');

export async function main(): Promise<void> {
  const settings = readRuntimeEnv('api');
  const read = (file: string) => readFileSync(join(GALLERY_DIR, file), 'utf8');
  const api = await startApi(settings, { html: read('index.html'), js: read('gallery.js'), css: read('gallery.css') });
  console.log(JSON.stringify({ level: 'info', message: 'listening', url: api.url }));
  process.once('SIGTERM', () => {
    console.log(JSON.stringify({ level: 'info', message: 'SIGTERM: draining' }));
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(JSON.stringify({ level: 'error', message: 'the API could not start', error: error instanceof Error ? error.message : String(error) }));
    process.exit(1);
  });
}
