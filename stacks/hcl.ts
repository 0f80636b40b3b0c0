/**
 * `npm run synth -- --hcl`: each stack as `main.tf` in HCL, for teams that leave cdktf and keep
 * the configuration as plain Terraform. cdktf 0.21 renders HCL itself (`TerraformStack.toHclTerraform`,
 * what `cdktf synth --hcl` writes; its stack synthesizer reads only SYNTH_HCL_OUTPUT, not the
 * App's `hclOutput`, so the rendering is called here) and the CLI formats it with
 * `@cdktf/hcl-tools`; five of its renderings are not what Terraform reads, what cdk.tf.json says
 * or what `terraform fmt` writes, so they are corrected here:
 * - the `terraform` block: attributes other than providers and backends (our `required_version`)
 *   come out as `0 = "required_version"`, so the block is rendered from the stack's JSON instead;
 * - `depends_on` lists quoted addresses, which Terraform's native syntax rejects (it wants references);
 * - an interpolation-only string (`"${aws_s3_bucket.raw.id}"`) is written as the bare expression,
 *   as `terraform fmt` rewrites it;
 * - a heredoc's value gains a final line break (see {@link exactHeredoc});
 * - a one-line string holding both a reference and quotes (a JSON event pattern) is written
 *   between quotes without escaping them (see {@link unquotedStringsAsHeredocs}).
 * The test parses `main.tf` back to JSON and checks it equals `cdk.tf.json`, and runs `terraform fmt -check`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '@cdktf/hcl-tools';
import type { App, TerraformStack } from 'cdktf';

export const HCL_FILE = 'main.tf';

type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value };

/** Rewrites every stack cdktf synthesized as HCL into `<stack>/main.tf` and points the manifest at it. */
export async function writeHclStacks(app: App, stacks: readonly TerraformStack[]): Promise<void> {
  const manifestPath = join(app.outdir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string }> };
  for (const stack of stacks) {
    const entry = manifest.stacks[stack.node.id];
    if (!entry) throw new Error(`Expected the cdktf manifest to list ${stack.node.id}, but it does not.`);
    const terraformBlock = (stack.toTerraform() as { terraform: Record<string, Value> }).terraform;
    const hcl = await formatHcl(unquotedStringsAsHeredocs(replaceTerraformBlock(stack.toHclTerraform().hcl, renderTerraformBlock(terraformBlock))));
    rmSync(join(app.outdir, entry.synthesizedStackPath), { force: true });
    entry.synthesizedStackPath = `${entry.workingDirectory}/${HCL_FILE}`;
    writeFileSync(join(app.outdir, entry.synthesizedStackPath), hcl);
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Exact heredocs, hcl-tools' formatting (hclwrite, as `terraform fmt`), then the rewrites `terraform fmt` adds. */
export async function formatHcl(hcl: string): Promise<string> {
  const lines = (await format(exactHeredocs(hcl))).split('\n');
  const out: string[] = [];
  let heredocEnd: string | undefined;
  let inDependsOn = false;
  for (const line of lines) {
    if (heredocEnd !== undefined) {
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      out.push(line);
      continue;
    }
    heredocEnd = /<<-?([A-Za-z_]+)$/.exec(line)?.[1];
    if (/^\s*depends_on\s*=\s*\[$/.test(line)) inDependsOn = true;
    else if (inDependsOn && /^\s*\]$/.test(line)) inDependsOn = false;
    out.push(inDependsOn ? line.replace(/^(\s*)"([A-Za-z0-9_.-]+)"(,?)$/, '$1$2$3') : unwrapInterpolationOnly(line.replace(/"\$\{([^"{}$]+)\}"/g, '$1')));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * `name = "${expression}"` whose one interpolation spans the whole string (a function call with
 * string arguments, such as the launch template's `base64encode("…")`) as `name = expression`,
 * as `terraform fmt` writes it. Quotes and braces inside the expression's own strings are skipped.
 */
function unwrapInterpolationOnly(line: string): string {
  const match = /^(\s*[A-Za-z0-9_-]+\s*=\s*)"\$\{(.*)\}"$/.exec(line);
  if (!match) return line;
  const expression = match[2]!;
  const open: ('brace' | 'string')[] = ['brace'];
  for (let index = 0; index < expression.length; index += 1) {
    const char = expression[index];
    if (open[open.length - 1] === 'string') {
      if (char === '\\') index += 1;
      else if (char === '"') open.pop();
      else if (char === '$' && expression[index + 1] === '{') {
        open.push('brace');
        index += 1;
      }
    } else if (char === '"') open.push('string');
    else if (char === '{') open.push('brace');
    else if (char === '}') {
      open.pop();
      // The outer interpolation closed before the end: the string holds more than one expression.
      if (open.length === 0) return line;
    }
  }
  return open.length === 1 ? `${match[1]}${expression}` : line;
}

/** Every `= <<EOF` heredoc made exact ({@link exactHeredoc}), before formatting so that hclwrite lays out what it adds. */
function exactHeredocs(hcl: string): string {
  const lines = hcl.split('\n');
  const out: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const heredoc = /^(.*= )<<-?([A-Za-z_]+)$/.exec(lines[index]!);
    if (!heredoc) {
      out.push(lines[index]!);
      continue;
    }
    const end = lines.findIndex((candidate, at) => at > index && candidate.trim() === heredoc[2]);
    if (end < 0) throw new Error(`Expected the heredoc on line ${index + 1} of the rendered HCL to end, but it does not.`);
    out.push(...exactHeredoc(heredoc[1]!, heredoc[2]!, lines.slice(index + 1, end), lines[end]!));
    index = end;
  }
  return out.join('\n');
}

/**
 * cdktf writes a string with line breaks as `<<EOF`, a line break, the string, a line break, `EOF`,
 * so the heredoc's value gains a final line break the JSON value lacks. A string that ended with one
 * loses the empty last line instead; any other is wrapped in `chomp()`, which removes exactly that
 * break, so main.tf's values equal cdk.tf.json's and a plan after leaving cdktf shows no change.
 */
function exactHeredoc(head: string, marker: string, body: readonly string[], closing: string): string[] {
  if (body.length > 0 && body[body.length - 1] === '') return [`${head}<<${marker}`, ...body.slice(0, -1), closing];
  return [`${head}chomp(<<${marker}`, ...body, closing, ')'];
}

/**
 * cdktf escapes the quotes of a one-line string only when it holds no `${`, so
 * `"{"detail":["${aws_sfn_state_machine.x.arn}"]}"` comes out unescaped. Such a string is
 * written as a heredoc instead, which takes it verbatim (a heredoc processes no backslash escapes,
 * and interpolates `${…}` as Terraform's JSON syntax does); {@link exactHeredoc} then removes the
 * heredoc's final line break.
 */
export function unquotedStringsAsHeredocs(hcl: string): string {
  let heredocEnd: string | undefined;
  return hcl
    .split('\n')
    .map((line) => {
      if (heredocEnd !== undefined) {
        if (line.trim() === heredocEnd) heredocEnd = undefined;
        return line;
      }
      heredocEnd = /<<-?([A-Za-z_]+)$/.exec(line)?.[1];
      const attribute = /^(\s*)([\w-]+|"[^"]+") = "(.*)"$/.exec(line);
      if (!attribute || !attribute[3]!.includes('${')) return line;
      const outsideInterpolations = attribute[3]!.replace(/\$\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, '');
      return /(^|[^\\])"/.test(outsideInterpolations) ? `${attribute[1]}${attribute[2]} = <<EOF\n${attribute[3]}\nEOF` : line;
    })
    .join('\n');
}

/** The top-level `terraform { … }` block of cdktf's rendering, replaced. */
function replaceTerraformBlock(hcl: string, block: string): string {
  const start = hcl.search(/^terraform \{$/m);
  if (start < 0) throw new Error('Expected cdktf to render a terraform block, but it rendered none.');
  let depth = 0;
  let quoted = false;
  for (let index = start; index < hcl.length; index += 1) {
    const char = hcl[index];
    if (quoted) {
      if (char === '\\') index += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '{') depth += 1;
    else if (char === '}' && --depth === 0) return `${hcl.slice(0, start)}${block}${hcl.slice(index + 1)}`;
  }
  throw new Error('Expected the rendered terraform block to be closed, but it is not.');
}

/** `required_providers` holds objects; `backend "<type>"` and `cloud` are blocks, and so is `workspaces` inside `cloud`. */
export function renderTerraformBlock(terraform: Readonly<Record<string, Value>>): string {
  const lines = ['terraform {'];
  for (const [key, value] of Object.entries(terraform)) {
    if (key === 'backend') {
      for (const [type, settings] of Object.entries(value as Record<string, Value>)) lines.push(...block(`backend ${quote(type)}`, settings as Record<string, Value>, 1));
    } else if (key === 'required_providers') {
      lines.push(...block('required_providers', value as Record<string, Value>, 1));
    } else if (key === 'cloud') {
      lines.push(...block('cloud', value as Record<string, Value>, 1, ['workspaces']));
    } else {
      lines.push(`  ${key} = ${literal(value, 1)}`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

function block(header: string, body: Readonly<Record<string, Value>>, depth: number, nestedBlocks: readonly string[] = []): string[] {
  const indent = '  '.repeat(depth);
  const lines = [`${indent}${header} {`];
  for (const [key, value] of Object.entries(body)) {
    if (nestedBlocks.includes(key)) lines.push(...block(key, value as Record<string, Value>, depth + 1));
    else lines.push(`${indent}  ${key} = ${literal(value, depth + 1)}`);
  }
  lines.push(`${indent}}`);
  return lines;
}

function literal(value: Value, depth: number): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, depth)).join(', ')}]`;
  const indent = '  '.repeat(depth);
  const entries = Object.entries(value as Record<string, Value>).map(([key, item]) => `${indent}  ${key} = ${literal(item, depth + 1)}`);
  return `{\n${entries.join('\n')}\n${indent}}`;
}

/** A literal string: JSON's escapes are HCL's, and template sequences are escaped so nothing is interpolated. */
function quote(text: string): string {
  return JSON.stringify(text).replaceAll('${', '$${').replaceAll('%{', '%%{');
}
