/** The measurement behind the cost model, on one sample through the local pipeline (loopback emulators only). */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureUsage } from '../../../tools/cost/measure';
import { countRequest, emptyCounts } from '../../../tools/cost/requests';
import { ROOT } from '../../stacks/support';

describe('measureUsage', () => {
  it('records durations, transitions and billable requests of one image', async () => {
    const samples = mkdtempSync(join(tmpdir(), 'cost-samples-'));
    try {
      copyFileSync(join(ROOT, 'samples', 'landscape.jpg'), join(samples, 'landscape.jpg'));
      const usage = await measureUsage(samples);
      expect(usage).toMatchObject({ images: 1, path: 'success', stateTransitions: 7, snsPublishes: 1, dynamoReadUnits: 0 });
      expect(Object.keys(usage.durationsMs).sort()).toEqual(['filters', 'notify-success', 'optimize', 'resize', 'start-workflow', 'validate']);
      // The upload, the working image, two scratch renditions (large is the working image itself), the grayscale variant, seven outputs, the scratch listing.
      expect(usage.s3Writes).toBe(13);
      // Validate reads the upload; resize and filters the working image; optimize the working image and three scratch images.
      expect(usage.s3Reads).toBe(7);
      expect(usage.uploadBytes).toBeGreaterThan(0);
      expect(usage.workBytes).toBeGreaterThan(usage.outputBytes);
    } finally {
      rmSync(samples, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('countRequest', () => {
  const endpoints = { s3Port: '4566', dynamodb: '127.0.0.1:8000', sns: '127.0.0.1:4566', sfn: '127.0.0.1:9000', workPrefix: '_work/', uploadsPrefix: 'uploads/' };
  const request = (method: string, host: string, path: string, headers: Record<string, string> = {}) => ({
    method,
    path,
    getHeader: (name: string) => ({ host, ...headers })[name],
  });

  it('sorts S3 requests into their price tiers, leaves out free deletes and tracks PUT bytes by prefix', () => {
    const counts = emptyCounts();
    countRequest(counts, endpoints, request('PUT', 'raw.s3.localhost:4566', '/uploads/a.jpg', { 'content-length': '100' }));
    countRequest(counts, endpoints, request('PUT', 'p.s3.localhost:4566', '/_work/j/master.raw', { 'content-length': '900' }));
    countRequest(counts, endpoints, request('GET', 'p.s3.localhost:4566', '/?list-type=2&prefix=_work%2Fj%2F'));
    countRequest(counts, endpoints, request('GET', 'p.s3.localhost:4566', '/_work/j/master.raw'));
    countRequest(counts, endpoints, request('DELETE', 'p.s3.localhost:4566', '/_work/j/master.raw'));
    countRequest(counts, endpoints, request('POST', 'p.s3.localhost:4566', '/?delete'));
    expect(counts).toMatchObject({ s3Writes: 3, s3Reads: 1, s3PutBytes: { uploads: 100, work: 900, outputs: 0 } });
  });

  it('counts DynamoDB write units per started KB, SNS publishes and Step Functions starts', () => {
    const counts = emptyCounts();
    countRequest(counts, endpoints, request('POST', '127.0.0.1:8000', '/', { 'x-amz-target': 'DynamoDB_20120810.UpdateItem', 'content-length': '2500' }));
    countRequest(counts, endpoints, request('POST', '127.0.0.1:8000', '/', { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-length': '300' }));
    countRequest(counts, endpoints, request('POST', '127.0.0.1:4566', '/', { 'content-length': '300' }));
    countRequest(counts, endpoints, request('POST', '127.0.0.1:9000', '/', { 'x-amz-target': 'AWSStepFunctions.StartExecution' }));
    expect(counts).toMatchObject({ dynamoWriteUnits: 4, dynamoLargestWriteBytes: 2500, snsPublishes: 1, sfnStarts: 1 });
  });
});

describe('npm run cost', () => {
  const cost = (args: string[]) => spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['tools/cost/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

  it('prints the bill as JSON for a stage and a volume', () => {
    const result = cost(['--stage', 'prod', '--images-per-month', '250000', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as { stage: string; imagesPerMonth: number; monthly: { total: number }; perMillionImages: { standard: number; express: number } };
    expect(json).toMatchObject({ stage: 'prod', imagesPerMonth: 250000 });
    expect(json.perMillionImages.express).toBeLessThan(json.perMillionImages.standard);
  }, 120_000);

  it('exits 2 for an unknown stage or a volume that is not a number', () => {
    expect(cost(['--stage', 'qa'])).toMatchObject({ status: 2, stderr: 'Expected --stage to be a configured stage (dev, prod), but received "qa".\n' });
    expect(cost(['--images-per-month', 'lots']).status).toBe(2);
  }, 120_000);
});
