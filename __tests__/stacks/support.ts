/**
 * Shared helpers of the infrastructure tests: cdktf's jest matchers, small stand-in zips for
 * construct tests (real bundles are built only where packaging is under test), and readers of
 * synthesized Terraform JSON.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32, inflateRawSync } from 'node:zlib';
import { Testing, type TerraformStack } from 'cdktf';
import { FUNCTIONS, MANIFEST, type FunctionName } from '../../handlers/runtime/manifest';
import type { BackendConfig } from '../../stacks/config/backend';
import { loadStageConfigs, type StageConfig } from '../../stacks/config/resolve';
import type { FunctionPackage, SharpLayerArtifact } from '../../stacks/constructs/pipeline/pipeline';
import { ImageProcessorStack } from '../../stacks/image-processor-stack';
import { REPOSITORY_ROOT } from '../../stacks/packaging/artifacts';
import { writeZip, type ZipArtifact } from '../../stacks/packaging/zip';
import type { LogGroupKey } from '../../stacks/constructs/shared/stack-key';

Testing.setupJest();

/** The types of the matchers `Testing.setupJest()` registers (cdktf ships them for an older @types/jest). */
interface TerraformConstructor {
  readonly tfResourceType: string;
}
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R, T> {
      toHaveResource(resourceConstructor: TerraformConstructor): R;
      toHaveResourceWithProperties(resourceConstructor: TerraformConstructor, properties: Record<string, unknown>): R;
      toHaveDataSource(dataSourceConstructor: TerraformConstructor): R;
      toHaveDataSourceWithProperties(dataSourceConstructor: TerraformConstructor, properties: Record<string, unknown>): R;
      toHaveProvider(providerConstructor: TerraformConstructor): R;
      toHaveProviderWithProperties(providerConstructor: TerraformConstructor, properties: Record<string, unknown>): R;
      toBeValidTerraform(): R;
    }
  }
}

export const ROOT = REPOSITORY_ROOT;

/** Step timeouts whose longest path (60 + 60 + 120 + 20 + 20 s) fits an Express execution's 5 minutes. */
export const EXPRESS_TIMEOUTS: Readonly<Record<string, string>> = {
  IMAGE_PROCESSOR_VALIDATE_TIMEOUT_SECONDS: '60',
  IMAGE_PROCESSOR_RESIZE_TIMEOUT_SECONDS: '60',
  IMAGE_PROCESSOR_FILTERS_TIMEOUT_SECONDS: '60',
  IMAGE_PROCESSOR_OPTIMIZE_TIMEOUT_SECONDS: '120',
  IMAGE_PROCESSOR_NOTIFY_SUCCESS_TIMEOUT_SECONDS: '20',
  IMAGE_PROCESSOR_NOTIFY_ERROR_TIMEOUT_SECONDS: '20',
};

export interface StubArtifacts {
  readonly functions: Record<FunctionName, FunctionPackage>;
  readonly sharpLayer: SharpLayerArtifact;
  readonly api: ZipArtifact;
}

let stubs: Promise<StubArtifacts> | undefined;

/** Tiny deterministic zips standing in for the bundles; image steps declare sharp like the real ones. */
export function stubArtifacts(): Promise<StubArtifacts> {
  stubs ??= (async () => {
    const directory = mkdtempSync(join(tmpdir(), 'image-processor-stub-'));
    const functions = {} as Record<FunctionName, FunctionPackage>;
    for (const name of FUNCTIONS) {
      const zip = await writeZip(join(directory, `${name}.zip`), [{ name: 'index.js', data: Buffer.from(`exports.handler = async () => ${JSON.stringify(name)};\n`) }]);
      functions[name] = { ...zip, handler: 'index.handler', externals: MANIFEST[name].needsSharp ? ['sharp'] : [] };
    }
    const layer = await writeZip(join(directory, 'layer.zip'), [{ name: 'nodejs/node_modules/sharp/package.json', data: Buffer.from('{"name":"sharp","version":"0.0.0"}') }]);
    const api = await writeZip(join(directory, 'api.zip'), [{ name: 'api/index.js', data: Buffer.from('require("node:http");\n') }]);
    return {
      functions,
      sharpLayer: { ...layer, sharpVersion: '0.0.0', packages: [{ name: 'sharp', version: '0.0.0' }] },
      api,
    };
  })();
  return stubs;
}

export function stageConfig(stage = 'dev', env: Record<string, string> = {}, context: { settings?: unknown; stages?: unknown } = {}): StageConfig {
  const config = loadStageConfigs({ env: { IMAGE_PROCESSOR_STAGES: stage, ...env }, context }).find((candidate) => candidate.stage === stage);
  if (!config) throw new Error(`no config for ${stage}`);
  return config;
}

export interface StackOptions {
  readonly stage?: string;
  readonly env?: Record<string, string>;
  readonly context?: { settings?: unknown; stages?: unknown };
  readonly backend?: BackendConfig;
  readonly artifacts?: StubArtifacts;
}

/** An ImageProcessorStack in a testing app, as if synthesized into `<root>/cdktf.out`. */
export async function testStack(options: StackOptions = {}): Promise<ImageProcessorStack> {
  const app = Testing.app();
  return new ImageProcessorStack(app, {
    config: stageConfig(options.stage ?? 'dev', options.env ?? {}, options.context ?? {}),
    backend: options.backend ?? { kind: 'local' },
    artifacts: options.artifacts ?? (await stubArtifacts()),
    projectRoot: ROOT,
    outdir: join(ROOT, 'cdktf.out'),
  });
}

/** Synthesized Terraform JSON, as a parsed object. */
export type TerraformJson = {
  readonly terraform?: Record<string, any>;
  readonly provider?: Record<string, any>;
  readonly resource?: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly output?: Record<string, any>;
};

export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

export function readJson(path: string): TerraformJson {
  return JSON.parse(readFileSync(path, 'utf8')) as TerraformJson;
}

/** Every resource of a type, by logical id. */
export function resources(json: TerraformJson, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The CloudWatch agent configuration a launch template's boot script writes (base64 between `<<'AGENT'` and `AGENT`). */
export function logAgentConfigOf(template: { readonly user_data?: unknown }): any {
  // The synthesized user data carries its line breaks as Terraform's `\n` escapes.
  const script = String(template.user_data ?? '').replaceAll('\\n', '\n');
  const block = /<<'AGENT'\n([A-Za-z0-9+/=\n]*?)\nAGENT\n/.exec(script)?.[1];
  return block === undefined ? undefined : JSON.parse(Buffer.from(block.replaceAll('\n', ''), 'base64').toString('utf8'));
}

/** The single resource of a type (fails when there are several). */
export function only(json: TerraformJson, type: string): any {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function statements(policy: string): Statement[] {
  return (JSON.parse(policy) as { Statement: Statement[] }).Statement;
}

export const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The inline role policy attached to a role, by the role's logical id. */
export function rolePolicyOf(json: TerraformJson, roleLogicalId: string): Statement[] {
  const policy = Object.values(resources(json, 'aws_iam_role_policy')).find((candidate) => candidate.role === `\${aws_iam_role.${roleLogicalId}.id}`);
  if (!policy) throw new Error(`no role policy for ${roleLogicalId}`);
  return statements(policy.policy as string);
}

/** The role policy of the Lambda function with this logical id. */
export function functionPolicy(json: TerraformJson, functionLogicalId: string): Statement[] {
  const fn = resources(json, 'aws_lambda_function')[functionLogicalId];
  const role = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(fn.role as string)?.[1];
  if (!role) throw new Error(`${functionLogicalId} has no role reference`);
  return rolePolicyOf(json, role);
}

/** `{ action: [resources] }` of a policy's Allow statements, for exact comparisons. */
export function grants(policy: readonly Statement[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const statement of policy.filter((candidate) => candidate.Effect === 'Allow')) {
    for (const action of list(statement.Action)) {
      result[action] = [...(result[action] ?? []), ...list(statement.Resource)].sort();
    }
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The entries of a zip, in archive order, each inflated when deflated (method 8) and checked
 * against the CRC-32 its central directory records.
 */
export function readZipEntries(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry at ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (method !== 0 && method !== 8) throw new Error(`${name} uses compression method ${method}; expected stored (0) or deflated (8)`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    if (zlibCrc32(data) !== crc) throw new Error(`${name} does not match the CRC-32 its central directory records`);
    entries.set(name, data);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A log group key for constructs tested without a stack key: every group gets this ARN. */
export const TEST_LOG_KEY: LogGroupKey = { encryptLogGroup: () => 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000' };
