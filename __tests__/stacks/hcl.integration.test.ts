/**
 * `npm run synth -- --hcl`: main.tf says what cdk.tf.json says (parsed back with cdktf's own
 * HCL parser), and `terraform fmt -check` accepts it when a terraform binary is present.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { synth } from '../../stacks/app';
import { formatHcl, renderTerraformBlock, unquotedStringsAsHeredocs } from '../../stacks/hcl';
import { ROOT } from './support';

const OUT = join(ROOT, '.build', `test-hcl-${process.pid}`);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

const EVERY_OPTION = {
  IMAGE_PROCESSOR_STAGES: 'dev,prod',
  IMAGE_PROCESSOR_BUCKET_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  IMAGE_PROCESSOR_SUCCESS_NOTIFICATION_EMAIL: 'ops@example.com',
  IMAGE_PROCESSOR_ERROR_NOTIFICATION_EMAIL: 'ops@example.com',
  IMAGE_PROCESSOR_ALLOWED_ACCOUNT_IDS: '123456789012',
  IMAGE_PROCESSOR_TAGS: '{"Team":"media"}',
  IMAGE_PROCESSOR_IMAGE_PRESET: readFileSync(join(ROOT, 'examples', 'social-avif.preset.json'), 'utf8'),
  TF_STATE_BUCKET: 'acme-terraform-state',
};

/**
 * Terraform JSON and hcl2json's reading of HCL differ only in spelling: one block is `[{…}]` or
 * `{…}`, a reference in depends_on is `x` or `${x}`, and hcl2json leaves `chomp(<<EOF … EOF)` as
 * an expression, whose value is the heredoc's text without its final line break.
 */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalize(item, key));
    return items.length === 1 && typeof items[0] === 'object' && items[0] !== null && !Array.isArray(items[0]) ? items[0] : items;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name]) => name !== '//')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, item]) => [name, normalize(item, name)]),
    );
  }
  if (typeof value === 'string') {
    if (key === 'depends_on') return value.replace(/^\$\{(.*)\}$/, '$1');
    return /^\$\{chomp\(<<(\w+)\n([\s\S]*)\n\1\n\s*\)\}$/.exec(value)?.[2] ?? value;
  }
  return value;
}

function terraformFmtCheck(directory: string): { ran: boolean; status?: number | null; output?: string } {
  const probe = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (probe.error) return { ran: false };
  const result = spawnSync('terraform', ['fmt', '-check', '-diff', '-no-color', '-recursive', '.'], { cwd: directory, encoding: 'utf8', timeout: 30_000 });
  return { ran: true, status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.each([
  ['the default configuration', { IMAGE_PROCESSOR_STAGES: 'dev,prod' } as Record<string, string>],
  ['every option on', EVERY_OPTION],
  ['a partial backend configuration', { IMAGE_PROCESSOR_STAGES: 'dev,prod', TF_BACKEND_CONFIG_FILE: 'backend.hcl', TF_STATE_KEY: 'team' }],
  ['HCP Terraform', { IMAGE_PROCESSOR_STAGES: 'dev,prod', TF_CLOUD_ORGANIZATION: 'acme', TF_CLOUD_PROJECT: 'media' }],
])('synth --hcl with %s', (label, env) => {
  const dir = join(OUT, label.replace(/\W+/g, '-'));
  beforeAll(async () => {
    await synth({ outdir: join(dir, 'json'), env });
    await synth({ outdir: join(dir, 'hcl'), env, hcl: true });
  });

  it.each(['image-processor-dev', 'image-processor-prod'])('writes %s/main.tf with the same configuration as cdk.tf.json, and no JSON beside it', async (stack) => {
    const hclDir = join(dir, 'hcl', 'stacks', stack);
    expect(readdirSync(hclDir).filter((name) => name.endsWith('.tf') || name.endsWith('.tf.json'))).toEqual(['main.tf']);
    const fromHcl = await parse('main.tf', readFileSync(join(hclDir, 'main.tf'), 'utf8'));
    const fromJson = JSON.parse(readFileSync(join(dir, 'json', 'stacks', stack, 'cdk.tf.json'), 'utf8')) as unknown;
    expect(normalize(fromHcl)).toEqual(normalize(fromJson));
    expect(readdirSync(join(hclDir, 'assets')).sort()).toEqual(readdirSync(join(dir, 'json', 'stacks', stack, 'assets')).sort());
  });

  it('passes terraform fmt -check', () => {
    const result = terraformFmtCheck(join(dir, 'hcl', 'stacks'));
    if (!result.ran) {
      process.stdout.write('terraform fmt -check was NOT run: no terraform binary on PATH (install Terraform 1.11+ to run this check).\n');
      return;
    }
    expect(result.output).not.toMatch(/main\.tf/);
    expect(result.status).toBe(0);
    // -recursive reaches the stack folders: without it the check would pass on an empty folder.
    expect(readdirSync(join(dir, 'hcl', 'stacks'))).toEqual(['image-processor-dev', 'image-processor-prod']);
  });
});

describe('the HCL rewrites', () => {
  it('renders the terraform block with providers, backend, cloud workspaces and other attributes', () => {
    const block = renderTerraformBlock({
      required_providers: { aws: { source: 'hashicorp/aws', version: '6.25.0' } },
      cloud: { organization: 'acme', workspaces: { name: 'image-processor-dev' } },
      required_version: '>= 1.11.0',
    });
    expect(block).toBe(
      [
        'terraform {',
        '  required_providers {',
        '    aws = {',
        '      source = "hashicorp/aws"',
        '      version = "6.25.0"',
        '    }',
        '  }',
        '  cloud {',
        '    organization = "acme"',
        '    workspaces {',
        '      name = "image-processor-dev"',
        '    }',
        '  }',
        '  required_version = ">= 1.11.0"',
        '}',
      ].join('\n'),
    );
  });

  it('writes a one-line string with a reference and unescaped quotes as a heredoc, and leaves escaped ones alone', () => {
    const broken = 'event_pattern = "{"arn":["${aws_sfn_state_machine.x.arn}"]}"';
    expect(unquotedStringsAsHeredocs(broken)).toBe('event_pattern = <<EOF\n{"arn":["${aws_sfn_state_machine.x.arn}"]}\nEOF');
    const fine = ['name = "a \\"quoted\\" ${var.x}"', 'ref = "${jsonencode({ a = "b" })}"'].join('\n');
    expect(unquotedStringsAsHeredocs(fine)).toBe(fine);
  });

  it('unwraps interpolation-only strings and quoted depends_on addresses, but leaves heredocs and templates alone', async () => {
    const hcl = await formatHcl(
      ['resource "a" "b" {', 'x = "${aws_s3_bucket.raw.id}"', 'y = "${aws_s3_bucket.raw.id}/*"', 'p = <<EOF', '"${aws_s3_bucket.raw.arn}"', 'EOF', 'depends_on = [', '"aws_s3_bucket.raw",', ']', '}'].join('\n'),
    );
    expect(hcl).toContain('  x = aws_s3_bucket.raw.id\n');
    expect(hcl).toContain('  y = "${aws_s3_bucket.raw.id}/*"\n');
    expect(hcl).toContain('\n"${aws_s3_bucket.raw.arn}"\nEOF\n');
    expect(hcl).toMatch(/depends_on = \[\n\s+aws_s3_bucket\.raw,\n\s+\]/);
  });
});

it('is reachable from the command line: npm run synth -- --hcl', () => {
  const outdir = join(OUT, 'cli');
  const output = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['main.ts', '--hcl'], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, IMAGE_PROCESSOR_STAGES: 'dev' },
    encoding: 'utf8',
  });
  expect(output).toMatch(/as HCL \(main\.tf\)/);
  expect(existsSync(join(outdir, 'stacks', 'image-processor-dev', 'main.tf'))).toBe(true);
});
