import { mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelKey } from '../../../local/iam/cache';
import { localStageConfig } from '../../../local/resources';

const place = { account: '000000000000', region: 'us-east-1' };
const config = localStageConfig('local', {});

describe('the cached stack model’s key', () => {
  let root: string;
  const key = () => modelKey(config, place, root);
  /** Writes a file and moves its modification time on, as an editor or a checkout would. */
  const write = (path: string, text: string) => {
    const file = join(root, path);
    const before = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    writeFileSync(file, text);
    const at = new Date(Math.max(Date.now(), before + 1000));
    utimesSync(file, at, at);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'model-key-'));
    for (const folder of ['stacks/constructs', 'handlers', 'asl', 'local/iam']) mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, 'stacks/constructs/policy.ts'), 'export const actions = ["s3:GetObject"];\n');
    writeFileSync(join(root, 'handlers/manifest.ts'), 'export {};\n');
    writeFileSync(join(root, 'asl/definition.ts'), 'export {};\n');
    writeFileSync(join(root, 'local/iam/stack-model.ts'), 'export {};\n');
    writeFileSync(join(root, 'package-lock.json'), '{}\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stays the same while nothing changes', () => {
    expect(key()).toBe(key());
  });

  it('changes when a policy changes, even to text of the same length', () => {
    const before = key();
    write('stacks/constructs/policy.ts', 'export const actions = ["s3:PutObject"];\n');
    expect(key()).not.toBe(before);
  });

  it('changes when a source is added or removed, or the lock file is written', () => {
    const keys = [key()];
    write('handlers/settings.ts', 'export {};\n');
    keys.push(key());
    unlinkSync(join(root, 'handlers/settings.ts'));
    unlinkSync(join(root, 'asl/definition.ts'));
    keys.push(key());
    write('package-lock.json', '{"lockfileVersion":3}\n');
    keys.push(key());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('changes with the stage config', () => {
    const before = key();
    expect(modelKey(localStageConfig('local', { IMAGE_PROCESSOR_LOCAL_BUCKET_ENCRYPTION: 'AES256' }), place, root)).not.toBe(before);
  });
});
