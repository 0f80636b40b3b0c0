/**
 * The local stage's stack model (stack-model.ts), synthesized once and then reused while nothing it
 * depends on changed: synthesizing costs about a second of CPU (loading cdktf and the provider's
 * resources, then the synthesis), reading the cached model a few milliseconds. The cache key is a
 * hash of the resolved stage config and of the path, size and modification time of every file the
 * synthesis can read — the stack, the handlers (manifest, settings, schemas), the definition, this
 * folder — and of the lock file (the library versions): writing any of them, a checkout that
 * changes one, a file added or removed misses the cache and synthesizes again. Their stamps, not
 * their contents: reading and hashing the 1.2 MB at every start cost 25-35 ms of CPU; a file
 * touched but unchanged costs one synthesis more.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageConfig } from '../../stacks/config/resolve';
import type { LocalPlace } from './references';
import type { LocalStackModel } from './stack-model';

const REPOSITORY_ROOT = join(__dirname, '..', '..');
const SOURCE_FOLDERS = ['stacks', 'handlers', 'asl', 'local/iam'] as const;
const SOURCE_FILES = ['package-lock.json'] as const;
const CACHE_FILE = join(REPOSITORY_ROOT, 'node_modules', '.cache', 'image-processor', 'local-stack.json');

function filesUnder(root: string, folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

/** The hash of what the model is made from: the config, and each source file's path, size and modification time. */
export function modelKey(config: StageConfig, place: LocalPlace, root: string = REPOSITORY_ROOT): string {
  const hash = createHash('sha256').update(JSON.stringify({ config, place }));
  const files = [...SOURCE_FOLDERS.flatMap((folder) => filesUnder(root, folder)), ...SOURCE_FILES];
  for (const file of files) {
    const { size, mtimeMs } = statSync(join(root, file));
    hash.update(JSON.stringify([file, size, mtimeMs]));
  }
  return hash.digest('hex');
}

function readCached(key: string): LocalStackModel | undefined {
  try {
    const cached = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as { key?: string; model?: LocalStackModel };
    return cached.key === key ? cached.model : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a run that cannot write the cache synthesizes again next time. */
function writeCached(key: string, model: LocalStackModel): void {
  try {
    mkdirSync(join(CACHE_FILE, '..'), { recursive: true });
    const temporary = `${CACHE_FILE}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify({ key, model }));
    renameSync(temporary, CACHE_FILE);
  } catch {
    // Read-only node_modules: nothing to keep.
  }
}

/** The model of the stack `config` synthesizes, from the cache when it is current. */
export async function loadStackModel(config: StageConfig, place: LocalPlace): Promise<LocalStackModel> {
  const key = modelKey(config, place);
  const cached = readCached(key);
  if (cached) return cached;
  // Loaded only on a miss: cdktf and the provider's resources are most of the cost.
  const [{ synthesizeStack }, { stackModel }] = await Promise.all([import('./synthesize'), import('./stack-model')]);
  const model = stackModel(synthesizeStack(config), place);
  writeCached(key, model);
  return model;
}
