/**
 * The cdktf CLI route: the CLI runs on Node 22 (node-pty has no Node 24 binary), cdktf.json's app
 * on Node 24, and `cdktf synth` through the launcher writes exactly what `npm run synth` writes.
 * That is as far as the CLI gets here: diff and deploy need the Terraform registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cdktfInvocation } from '../../../tools/cdktf/launch';
import { ROOT } from '../../stacks/support';
import { fileTree as tree } from '../../support/file-tree';

const OUT = join(ROOT, '.build', `test-cdktf-route-${process.pid}`);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

const majorOf = (binary: string) => execFileSync(binary, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim();

describe('the cdktf CLI route', () => {
  it('runs the CLI on Node 22 and the app on Node 24, which is also the npm-scripts node', () => {
    const invocation = cdktfInvocation(['synth']);
    expect(majorOf(invocation.command)).toBe('22');
    const app = (JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app.split(' ');
    expect(majorOf(join(ROOT, app[0]!))).toBe('24');
    // Two devDependencies provide a `node` bin; the npm-scripts PATH must keep Node 24's.
    expect(majorOf(join(ROOT, 'node_modules', '.bin', 'node'))).toBe('24');
  });

  it('synthesizes through `cdktf synth` byte-identically to npm run synth', () => {
    const env: Record<string, string | undefined> = { ...process.env, IMAGE_PROCESSOR_STAGES: 'dev,prod' };
    for (const name of Object.keys(env)) if (/^(IMAGE_PROCESSOR_(?!STAGES$)|TF_STATE_|TF_CLOUD_|TF_BACKEND_|CDKTF_|SYNTH_HCL)/.test(name)) delete env[name];
    // Sibling folders at the same depth, so the local backend's relative state path is the same.
    const direct = join(OUT, 'direct');
    const viaCli = join(OUT, 'cli');
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main.ts'], { cwd: ROOT, env: { ...env, CDKTF_OUTDIR: direct }, stdio: 'pipe' });
    const invocation = cdktfInvocation(['synth', '--output', viaCli], env);
    const result = spawnSync(invocation.command, invocation.args, { cwd: ROOT, env: invocation.env, encoding: 'utf8', timeout: 240_000 });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/ERR_DLOPEN_FAILED|NODE_MODULE_VERSION/) });
    const files = tree(direct);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['manifest.json', 'stacks/image-processor-dev/cdk.tf.json', 'stacks/image-processor-prod/cdk.tf.json']));
    expect(tree(viaCli)).toEqual(files);
  }, 300_000);
});
