/**
 * The worker's Dockerfile, linted by structure (no Docker engine or hadolint here; Debian does not
 * package hadolint): multi-stage, every stage on linux/arm64 from the Node the tests run on,
 * production dependencies only in the image, the bundle of the worker's entrypoint as its command,
 * run as the same non-root user the task definition sets, and a build context of what it copies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_USER } from '../stacks/constructs/worker/worker-service';

const ROOT = join(__dirname, '..');
const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
function instructions(source: string): Instruction[] {
  return source
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(text);
const stages = all.reduce<Instruction[][]>((found, instruction) => {
  if (instruction.keyword === 'FROM') found.push([instruction]);
  else found.at(-1)?.push(instruction);
  return found;
}, []);
const final = stages.at(-1)!;
const nodeImage = /^NODE_IMAGE=(\S+)$/.exec(all.find((instruction) => instruction.keyword === 'ARG')?.args ?? '')?.[1];
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

describe('the worker Dockerfile', () => {
  it('is multi-stage, every stage on linux/arm64 from one pinned Node 24 image, the version the tests run on', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const [from] of stages) expect(from!.args).toMatch(/^--platform=linux\/arm64 \$\{NODE_IMAGE\}( AS [a-z-]+)?$/);
    expect(nodeImage).toBe(`node:${packageJson.devDependencies.node}-bookworm-slim`);
    expect(packageJson.devDependencies.node).toMatch(/^24\.\d+\.\d+$/);
  });

  it('installs production dependencies only, as locked, into the image', () => {
    const runs = final.filter((instruction) => instruction.keyword === 'RUN');
    expect(runs).toEqual([]);
    const copies = final.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => instruction.args);
    const from = (stage: string) => stages.find(([head]) => head!.args.endsWith(` AS ${stage}`));
    for (const copy of copies) {
      const stage = /^--from=(\S+) /.exec(copy)?.[1];
      expect(stage).toBeDefined();
      expect(from(stage!)).toBeDefined();
    }
    const dependencies = from(/^--from=(\S+) \S+\/node_modules /.exec(copies.find((copy) => copy.includes('node_modules'))!)![1]!)!;
    const install = dependencies.filter((instruction) => instruction.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(instruction.args));
    expect(install).toHaveLength(1);
    expect(install[0]!.args).toMatch(/^npm ci --omit=dev /);
  });

  it('runs the bundle of the worker entrypoint, sharp external, as the task definition\'s non-root user', () => {
    const bundle = stages.flat().find((instruction) => instruction.keyword === 'RUN' && instruction.args.includes('esbuild'))!;
    const entry = /esbuild (\S+)/.exec(bundle.args)![1]!;
    expect(entry).toBe('handlers/entrypoints/worker/main.ts');
    expect(existsSync(join(ROOT, entry))).toBe(true);
    expect(bundle.args).toContain('--external:sharp');
    const output = /--outfile=(\S+)/.exec(bundle.args)![1]!;
    expect(final.at(-1)).toEqual({ keyword: 'CMD', args: `["node", "${output}"]` });
    const users = final.filter((instruction) => instruction.keyword === 'USER');
    expect(users.map((instruction) => instruction.args)).toEqual([WORKER_USER]);
    expect(final.findIndex((instruction) => instruction.keyword === 'USER')).toBeGreaterThan(final.findLastIndex((instruction) => instruction.keyword === 'COPY'));
    expect(WORKER_USER).not.toMatch(/^0(:|$)/);
  });

  it('uses no ADD, no latest tag, no shell-form command', () => {
    expect(all.filter((instruction) => instruction.keyword === 'ADD')).toEqual([]);
    expect(text).not.toMatch(/:latest\b/);
    for (const instruction of all.filter((candidate) => ['CMD', 'ENTRYPOINT'].includes(candidate.keyword))) expect(instruction.args).toMatch(/^\[/);
  });

  it('copies only what .dockerignore lets into the build context, and each of those exists', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.slice(1).map((line) => line.replace(/^!/, '').replace(/\/$/, ''));
    const sources = all
      .filter((instruction) => instruction.keyword === 'COPY' && !instruction.args.startsWith('--from='))
      .flatMap((instruction) => instruction.args.split(/\s+/).slice(0, -1));
    expect([...new Set(sources)].sort()).toEqual([...allowed].sort());
    for (const source of sources) expect(existsSync(join(ROOT, source))).toBe(true);
  });
});
