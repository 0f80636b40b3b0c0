/**
 * The manifest is the one description of each entrypoint: its file exists, reads its settings only
 * through its own manifest entry, and no other handler code reads the environment directly.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RUNTIME_SETTINGS } from '../../../handlers/runtime/variables';
import { ENTRYPOINTS, entrypointSource, MANIFEST } from '../../../handlers/runtime/manifest';

const ROOT = join(__dirname, '..', '..', '..');

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('the entrypoint manifest', () => {
  it('names a file per entrypoint that reads its settings through its own entry and exports its handler (the worker: its start)', () => {
    for (const name of ENTRYPOINTS) {
      const code = readFileSync(join(ROOT, entrypointSource(name)), 'utf8');
      expect([name, code.match(/readRuntimeEnv\('([^']+)'\)/g)]).toEqual([name, [`readRuntimeEnv('${name}')`]]);
      const exported = { lambda: /export const handler = /, api: /export async function main\(/, worker: /export function startWorker\(/ }[MANIFEST[name].kind];
      expect(code).toMatch(exported);
    }
  });

  it('lets no handler code read process.env but the runtime environment module', () => {
    const readers = sources(join(ROOT, 'handlers')).filter((file) => /process\.env\b/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(readers).toEqual(['handlers/runtime/env.ts']);
  });

  it('declares only known runtime settings, each once', () => {
    for (const name of ENTRYPOINTS) {
      const settings: readonly string[] = MANIFEST[name].environment;
      expect([name, settings.filter((setting) => !Object.hasOwn(RUNTIME_SETTINGS, setting))]).toEqual([name, []]);
      expect([name, new Set(settings).size]).toEqual([name, settings.length]);
    }
  });

  it('gives sharp’s memory floor only to entrypoints that need sharp', () => {
    for (const name of ENTRYPOINTS) {
      if (MANIFEST[name].needsSharp) expect([name, MANIFEST[name].memoryMb >= 1536]).toEqual([name, true]);
    }
  });
});
