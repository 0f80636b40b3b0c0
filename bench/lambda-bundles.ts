/**
 * The Lambda side of `npm run bench`: each function's zip size and its cold import — the time
 * `require` of its `index.js` takes in a fresh Node process, as Lambda's init does — median of
 * fresh processes, with sharp resolvable as from the layer (NODE_PATH, as Lambda sets it to
 * /opt/nodejs/node_modules). sharp's own import is measured the same way, for the share of it in
 * the image functions' figure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { FUNCTIONS, MANIFEST, type FunctionName } from '../handlers/runtime/manifest';
import { lambdaArtifacts, REPOSITORY_ROOT } from '../stacks/packaging/artifacts';
import { spread, type Spread } from './measure';
import { withSpread, type BenchRow, type BenchSection } from './table';

/** Fresh processes per function: the median of five, as the target is stated. */
const COLD_IMPORT_PROCESSES = 5;

interface BundleFigures {
  readonly name: FunctionName;
  readonly zipBytes: number;
  readonly coldImport: { readonly cpuMs: Spread; readonly wallMs: Spread };
}

interface LambdaBundleBench {
  readonly functions: readonly BundleFigures[];
  readonly layerBytes: number;
  readonly sharpImport: { readonly cpuMs: Spread; readonly wallMs: Spread };
}

/** The one entry of a zip the packaging writes (stored or deflated, always `index.js` first). */
function indexJs(zip: Buffer): Buffer {
  const method = zip.readUInt16LE(8);
  const size = zip.readUInt32LE(18);
  const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  const data = zip.subarray(start, start + size);
  return method === 8 ? inflateRawSync(data) : data;
}

interface ImportTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * The wall and main-thread CPU milliseconds `require(module)` takes in a fresh Node process. The
 * require is synchronous on the main thread, so on a core of its own (as a Lambda's init has) its
 * wall time is that thread's CPU time; on a shared machine the wall time also counts the waits for
 * a core, which is why the target is read on the CPU figure.
 */
function coldImport(module: string): ImportTime {
  const script = [
    'const wall = process.hrtime.bigint(), cpu = process.threadCpuUsage();',
    `require(${JSON.stringify(module)});`,
    'const used = process.threadCpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ wallMs: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (used.user + used.system) / 1000 }));',
  ].join(' ');
  const output = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_PATH: join(REPOSITORY_ROOT, 'node_modules') },
  });
  return JSON.parse(output) as ImportTime;
}

const importSpread = (samples: readonly ImportTime[]) => ({ cpuMs: spread(samples.map((sample) => sample.cpuMs)), wallMs: spread(samples.map((sample) => sample.wallMs)) });

async function benchLambdaBundles(processes: number): Promise<LambdaBundleBench> {
  const artifacts = await lambdaArtifacts();
  const directory = join(REPOSITORY_ROOT, '.build', 'bench-bundles');
  rmSync(directory, { recursive: true, force: true });
  try {
    const modules = Object.fromEntries(
      FUNCTIONS.map((name) => {
        const path = join(directory, name, 'index.js');
        mkdirSync(join(directory, name), { recursive: true });
        writeFileSync(path, indexJs(readFileSync(artifacts.functions[name].path)));
        return [name, path];
      }),
    ) as Record<FunctionName, string>;
    const samples: Record<string, ImportTime[]> = {};
    // Interleaved: one process of each function per round, so drift hits them all alike.
    for (let round = 0; round < processes; round += 1) {
      for (const name of FUNCTIONS) (samples[name] ??= []).push(coldImport(modules[name]));
      (samples.sharp ??= []).push(coldImport('sharp'));
    }
    return {
      functions: FUNCTIONS.map((name) => ({ name, zipBytes: artifacts.functions[name].bytes, coldImport: importSpread(samples[name]!) })),
      layerBytes: artifacts.sharpLayer.bytes,
      sharpImport: importSpread(samples.sharp!),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const ZIP_LIMIT_BYTES = 1024 * 1024;
const COLD_IMPORT_LIMIT_MS = 60;

export const lambdaSection: BenchSection = {
  title: 'Lambda bundles: zip size and cold import',
  async run() {
    const bench = await benchLambdaBundles(COLD_IMPORT_PROCESSES);
    const rows: BenchRow[] = bench.functions.map((entry) => ({
      group: 'Lambda',
      name: `${entry.name}${MANIFEST[entry.name].needsSharp ? ' (imports sharp)' : ''}`,
      figure: `zip ${(entry.zipBytes / 1024).toFixed(0)} KiB, cold import CPU ${withSpread(entry.coldImport.cpuMs, 0, ' ms')}, wall ${withSpread(entry.coldImport.wallMs, 0, ' ms')}`,
      target: {
        text: `≤ 1 MiB, ≤ ${COLD_IMPORT_LIMIT_MS} ms (CPU)`,
        met: entry.zipBytes <= ZIP_LIMIT_BYTES && entry.coldImport.cpuMs.median <= COLD_IMPORT_LIMIT_MS,
      },
    }));
    rows.push(
      { group: 'Lambda', name: 'sharp layer', figure: `zip ${(bench.layerBytes / 1024 / 1024).toFixed(1)} MiB` },
      { group: 'Lambda', name: 'sharp alone (part of the figures marked “imports sharp”)', figure: `import CPU ${withSpread(bench.sharpImport.cpuMs, 0, ' ms')}, wall ${withSpread(bench.sharpImport.wallMs, 0, ' ms')}` },
    );
    return rows;
  },
};
