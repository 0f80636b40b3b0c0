/**
 * S3 event notifications for the local raw bucket, which fauxqs does not send: every object put
 * under the uploads prefix — by PutObject, a presigned POST form, or a completed multipart upload,
 * from any client (the gallery, `aws s3 cp`, the SDK) — is reported by fauxqs's spy, and handed
 * on, as S3 would hand its ObjectCreated event to start-workflow.
 */
import type { MessageSpyReader, S3SpyEvent, SpyMessage } from 'fauxqs';

export function watchUploads(spy: MessageSpyReader, bucket: string, prefix: string, onUpload: (key: string) => Promise<void>): () => void {
  let stopped = false;
  const seen = new WeakSet<SpyMessage>();
  const isNewUpload = (message: SpyMessage): boolean =>
    message.service === 's3' && message.status === 'uploaded' && message.bucket === bucket && message.key.startsWith(prefix) && !seen.has(message);
  void (async () => {
    while (!stopped) {
      let message: S3SpyEvent;
      try {
        message = (await spy.waitForMessage(isNewUpload)) as S3SpyEvent;
      } catch {
        return; // the spy was cleared: stopped
      }
      seen.add(message);
      onUpload(message.key).catch((error: unknown) => {
        console.error(`local: the upload s3://${bucket}/${message.key} could not be delivered to start-workflow: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  })();
  return () => {
    stopped = true;
    spy.clear();
  };
}
