import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS, MANIFEST } from '../../../handlers/runtime/manifest';
import { lambdaArtifacts, type LambdaArtifacts } from '../../../stacks/packaging/artifacts';
import { readStoredZip, ROOT } from '../support';

describe('function bundles', () => {
  let artifacts: LambdaArtifacts;
  beforeAll(async () => {
    artifacts = await lambdaArtifacts();
  });

  it('holds one minified index.js with its linked source map per entrypoint', () => {
    for (const name of FUNCTIONS) {
      const entries = readStoredZip(readFileSync(artifacts.functions[name].path));
      expect([name, [...entries.keys()]]).toEqual([name, ['index.js', 'index.js.map']]);
      const code = entries.get('index.js')!.toString('utf8');
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
      // Minified: far smaller than the sources it was built from.
      const map = JSON.parse(entries.get('index.js.map')!.toString('utf8')) as { sourcesContent: string[] };
      expect(code.length).toBeLessThan(map.sourcesContent.join('').length / 2);
      expect(artifacts.functions[name].handler).toBe('index.handler');
    }
  });

  it('embeds no path of this machine: sources are relative to the repository root', () => {
    for (const name of FUNCTIONS) {
      const entries = readStoredZip(readFileSync(artifacts.functions[name].path));
      for (const [entry, data] of entries) {
        const text = data.toString('utf8');
        expect([name, entry, text.includes(ROOT)]).toEqual([name, entry, false]);
      }
      const map = JSON.parse(entries.get('index.js.map')!.toString('utf8')) as { sources: string[]; sourcesContent: string[]; sourceRoot?: string };
      expect(map.sourceRoot).toBeUndefined();
      expect(map.sources).toContain(`handlers/entrypoints/lambda/${name}.ts`);
      expect(map.sources.filter((source) => source.startsWith('/') || source.startsWith('..') || !existsSync(join(ROOT, source)))).toEqual([]);
      expect(map.sourcesContent).toHaveLength(map.sources.length);
    }
  });

  it('leaves sharp to the layer, imported exactly by the entrypoints whose manifest entry needs it', () => {
    for (const name of FUNCTIONS) expect([name, artifacts.functions[name].externals]).toEqual([name, MANIFEST[name].needsSharp ? ['sharp'] : []]);
  });

  it('loads in Node and exports each handler', () => {
    // Placed inside the checkout so `require('sharp')` resolves as /opt/nodejs/node_modules would on Lambda.
    const directory = join(ROOT, '.build', `test-load-${process.pid}`);
    try {
      for (const name of FUNCTIONS) {
        const entries = readStoredZip(readFileSync(artifacts.functions[name].path));
        mkdirSync(join(directory, name), { recursive: true });
        for (const [entry, data] of entries) writeFileSync(join(directory, name, entry), data);
      }
      const script = `for (const name of ${JSON.stringify(FUNCTIONS)}) { const m = require(${JSON.stringify(directory)} + '/' + name + '/index.js'); if (typeof m.handler !== 'function') throw new Error(name + ' exports no handler'); } process.stdout.write('ok');`;
      const output = execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', HOME: process.env.HOME },
      });
      expect(output).toBe('ok');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
