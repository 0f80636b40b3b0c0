/**
 * `npm start` as a person runs it: a real process through `npx tsx local/main.ts`, checked by exit
 * status and output. (Everything else is tested through the programmatic API.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { main, parseCliArguments, SAMPLES_DIR } from '../../local/cli';
import { photoLikeJpeg } from '../fixtures/images';

const ROOT = resolve(__dirname, '..', '..');

function start(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npx', ['tsx', 'local/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('npm start (local/main.ts)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('explains itself with --help and exits 0', async () => {
    const { code, stdout } = await start(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm start -- \[<file-or-folder>\.\.\.\] \[options\]/);
    for (const option of ['--out', '--preset', '--concurrency', '--fail', 'LOCAL_FAULTS']) expect(stdout).toContain(option);
  });

  it('exits 0 when every input reached a terminal state, rejected images included', async () => {
    await writeFile(join(dir, 'photo.jpg'), await photoLikeJpeg(160, 120));
    await writeFile(join(dir, 'notes.jpg'), 'not an image');
    const out = join(dir, 'out');
    const { code, stdout, stderr } = await start([join(dir, 'photo.jpg'), join(dir, 'notes.jpg'), '--out', out, '--concurrency', '2'], {
      LOCAL_FAULTS: 'ResizeImage=TRANSIENT:1',
    });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('2 image(s): 1 succeeded, 1 failed');
    expect(stdout).toContain('Injected faults: ResizeImage=TRANSIENT:1');
    expect(stdout).toMatch(/FAILED .*notes\.jpg: UNSUPPORTED_FORMAT/);
    expect(stdout).toContain(`Report:  ${join(out, 'report.json')}`);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { jobs: { status: string }[] };
    expect(report.jobs.map((job) => job.status)).toEqual(['SUCCEEDED', 'FAILED']);
  });

  it('runs with a function\'s policy replaced (--policy), listing each denied call in the summary and report.json', async () => {
    await writeFile(join(dir, 'tight.jpg'), await photoLikeJpeg(160, 120));
    // As copied from cdktf.out: Terraform references, no s3:GetObject.
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: '${aws_dynamodb_table.jobs_table.arn}' }] };
    await writeFile(join(dir, 'validate.json'), JSON.stringify(policy));
    const out = join(dir, 'out-tight');
    const { code, stdout, stderr } = await start([join(dir, 'tight.jpg'), '--out', out, '--policy', `validate=${join(dir, 'validate.json')}`, '--policy-report']);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/FAILED .*tight\.jpg: INTERNAL — Expected S3 GetObject to be allowed by the function's IAM policy, but it was denied \(AccessDenied: /);
    expect(stdout).toMatch(/Denied by IAM: 1 call\(s\):\n  validate: s3:GetObject on arn:aws:s3:::image-processor-local-raw-000000000000-us-east-1\/uploads\/.*tight\.jpg \(1 call\(s\)\)/);
    expect(stdout).toMatch(/\n  validate: 1 pair\(s\); every grant used\n/);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { denied: { function: string; action: string }[] };
    expect(report.denied.map((entry) => [entry.function, entry.action])).toEqual([['validate', 's3:GetObject']]);
  });
});

describe('exit status of main() (in-process)', () => {
  async function runMain(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    });
    try {
      return { code: await main(args), stderr };
    } finally {
      write.mockRestore();
    }
  }

  it('is 2 with a sentence for unusable arguments', async () => {
    expect(await runMain(['--concurrency', 'many'])).toEqual({
      code: 2,
      stderr: expect.stringContaining('Expected --concurrency to be a whole number of at least 1, but received "many".'),
    });
    expect((await runMain(['--fail', 'Resize'])).code).toBe(2);
    expect(await runMain(['--fail', 'Resize=TRANSIENT'])).toEqual({ code: 2, stderr: expect.stringContaining('Expected faults to name Task states of the definition (ValidateImage, ') });
    expect((await runMain(['--colour'])).code).toBe(2);
    expect(await runMain(['--policy', 'validate'])).toEqual({ code: 2, stderr: expect.stringContaining('Expected --policy <function>=<policy.json>') });
    expect(await runMain(['--policy', 'validate=a.json', '--policy', 'validate=b.json'])).toEqual({ code: 2, stderr: expect.stringContaining('Expected one --policy per function, but validate has two') });
  });

  it('is 2 with a sentence for a --policy that cannot be used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-cli-'));
    try {
      await writeFile(join(dir, 'photo.jpg'), await photoLikeJpeg(32, 32));
      const run = (policy: string) => runMain([join(dir, 'photo.jpg'), '--out', join(dir, 'out'), '--policy', policy]);
      await writeFile(join(dir, 'broken.json'), '{');
      await writeFile(join(dir, 'unknown-ref.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.nowhere.arn}' }] }));
      await writeFile(join(dir, 'invalid.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 's3:GetObject', Resource: '*' }] }));
      expect(await run(`resizer=${join(dir, 'broken.json')}`)).toEqual({ code: 2, stderr: expect.stringContaining('Expected --policy to name a function (start-workflow, validate, ') });
      expect(await run(`validate=${join(dir, 'missing.json')}`)).toEqual({ code: 2, stderr: expect.stringContaining('to be readable') });
      expect(await run(`validate=${join(dir, 'broken.json')}`)).toEqual({ code: 2, stderr: expect.stringContaining('to hold JSON, but it does not parse') });
      expect(await run(`validate=${join(dir, 'unknown-ref.json')}`)).toEqual({ code: 2, stderr: expect.stringContaining('The --policy given for validate refers to ${aws_s3_bucket.nowhere.arn}') });
      expect(await run(`validate=${join(dir, 'invalid.json')}`)).toEqual({ code: 2, stderr: expect.stringContaining('Expected the --policy given for validate to be a valid IAM identity policy, but Statement[0].Effect') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is 1 saying what failed when the system fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-cli-'));
    try {
      await writeFile(join(dir, 'notes.jpg'), 'not an image');
      const { code, stderr } = await runMain([join(dir, 'notes.jpg'), '--out', join(dir, 'out'), '--fail', 'NotifyError=INTERNAL:*']);
      expect(code).toBe(1);
      expect(stderr).toMatch(/local: the system failed \(\d problem\(s\)\); .*\n  - .*notes\.jpg: Execution .* ended FAILED with INTERNAL/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('command-line arguments', () => {
  it('default to the bundled samples and ./out', () => {
    expect(parseCliArguments([], {})).toMatchObject({ inputs: [relative(process.cwd(), SAMPLES_DIR) || SAMPLES_DIR], usedSamples: true, outDir: 'out', faults: [], help: false });
  });

  it('collect repeated --fail options after the LOCAL_FAULTS ones', () => {
    const args = parseCliArguments(['a.jpg', '--fail', 'ResizeImage=TRANSIENT:2', '--fail', 'OptimizeImage=INTERNAL'], { LOCAL_FAULTS: 'NotifyError=TRANSIENT' });
    expect(args.faults.map((fault) => fault.state)).toEqual(['NotifyError', 'ResizeImage', 'OptimizeImage']);
    expect(args.inputs).toEqual(['a.jpg']);
  });
});
