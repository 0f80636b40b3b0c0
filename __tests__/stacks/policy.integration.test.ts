/**
 * The policy suite: rules every synthesized stack must satisfy, checked on the real
 * `cdk.tf.json` (and assets) that `npm run synth` writes — for the default configuration and for
 * one that switches every option on.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { synth } from '../../stacks/app';
import { LOG_RETENTION_DAYS } from '../../stacks/config/shapes';
import { RESOURCE_STAR_ACTIONS } from '../../stacks/constructs/shared/iam';
import { EXPRESS_TIMEOUTS, list, logAgentConfigOf, readJson, readZipEntries, resources, ROOT, statements, type Statement, type TerraformJson } from './support';

const VARIANTS: Record<string, Record<string, string>> = {
  defaults: {},
  everything: {
    IMAGE_PROCESSOR_STAGES: 'dev,staging,prod',
    IMAGE_PROCESSOR_BUCKET_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    IMAGE_PROCESSOR_SUCCESS_NOTIFICATION_EMAIL: 'team@example.com',
    IMAGE_PROCESSOR_ERROR_NOTIFICATION_EMAIL: 'ops@example.com',
    IMAGE_PROCESSOR_WORKFLOW_TYPE: 'EXPRESS',
    ...EXPRESS_TIMEOUTS,
    IMAGE_PROCESSOR_WORKFLOW_LOG_LEVEL: 'ALL',
    IMAGE_PROCESSOR_RAW_EXPIRATION_DAYS: '365',
    IMAGE_PROCESSOR_ALLOWED_ACCOUNT_IDS: '111111111111',
    IMAGE_PROCESSOR_IMAGE_PRESET: '{"name":"tiny","renditions":[{"name":"thumb","width":100}],"formats":[{"format":"webp","quality":60}]}',
    TF_STATE_BUCKET: 'acme-terraform-state',
  },
};

interface SynthesizedStack {
  readonly name: string;
  readonly directory: string;
  readonly json: TerraformJson;
  readonly text: string;
}

const OUT = join(ROOT, '.build', `test-policy-${process.pid}`);
const stacks: SynthesizedStack[] = [];

beforeAll(async () => {
  for (const [variant, env] of Object.entries(VARIANTS)) {
    const outdir = join(OUT, variant);
    const app = await synth({ outdir, env });
    for (const child of app.node.children) {
      const directory = join(outdir, 'stacks', child.node.id);
      const text = readFileSync(join(directory, 'cdk.tf.json'), 'utf8');
      stacks.push({ name: `${variant}/${child.node.id}`, directory, json: readJson(join(directory, 'cdk.tf.json')), text });
    }
  }
}, 120_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** Runs `check` on every stack; failures name the stack. */
function everyStack(check: (stack: SynthesizedStack) => void): void {
  expect(stacks.map((stack) => stack.name)).toEqual([
    'defaults/image-processor-dev',
    'defaults/image-processor-prod',
    'everything/image-processor-dev',
    'everything/image-processor-staging',
    'everything/image-processor-prod',
  ]);
  for (const stack of stacks) {
    try {
      check(stack);
    } catch (error) {
      (error as Error).message = `${stack.name}: ${(error as Error).message}`;
      throw error;
    }
  }
}

const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

/** The resource of `type` whose `bucket` refers to the given bucket. */
function forBucket(json: TerraformJson, type: string, bucketId: string): any[] {
  return Object.values(resources(json, type)).filter((resource) => resource.bucket === ref('aws_s3_bucket', bucketId, 'id'));
}

const identityPolicies = (json: TerraformJson): [string, Statement[]][] =>
  Object.entries(resources(json, 'aws_iam_role_policy')).map(([id, policy]) => [id, statements(policy.policy)]);

describe('policy suite', () => {
  it('grants no wildcard action, and Resource "*" only for actions that have no resource-level permissions', () => {
    everyStack(({ json }) => {
      const policies = identityPolicies(json);
      expect(policies.length).toBeGreaterThan(0);
      for (const [id, policy] of policies) {
        for (const statement of policy) {
          expect([id, statement.Effect, 'NotAction' in statement, 'NotResource' in statement]).toEqual([id, 'Allow', false, false]);
          expect([id, list(statement.Action).filter((action) => action.includes('*'))]).toEqual([id, []]);
          if (list(statement.Resource).includes('*')) {
            expect([id, list(statement.Action).filter((action) => !RESOURCE_STAR_ACTIONS.includes(action))]).toEqual([id, []]);
          }
        }
      }
    });
  });

  it('lets only AWS services assume roles, and gives every function, the state machine and the worker task a role of its own', () => {
    everyStack(({ json }) => {
      const roles = resources(json, 'aws_iam_role');
      for (const [id, role] of Object.entries(roles)) {
        for (const statement of statements(role.assume_role_policy)) {
          expect([id, statement.Action, Object.keys(statement.Principal as object)]).toEqual([id, 'sts:AssumeRole', ['Service']]);
        }
      }
      const users = [
        ...Object.values(resources(json, 'aws_lambda_function')).map((fn) => fn.role as string),
        ...Object.values(resources(json, 'aws_sfn_state_machine')).map((machine) => machine.role_arn as string),
        ...Object.values(resources(json, 'aws_iam_instance_profile')).map((profile) => (profile.role as string).replace(/\.name\}$/, '.arn}')),
        ...Object.values(resources(json, 'aws_ecs_task_definition')).flatMap((task) => [task.task_role_arn as string, task.execution_role_arn as string]),
      ];
      expect(new Set(users).size).toBe(users.length);
      expect(users.sort()).toEqual(Object.keys(roles).map((id) => ref('aws_iam_role', id, 'arn')).sort());
      const attached = Object.values(resources(json, 'aws_iam_role_policy')).map((policy) => policy.role as string);
      expect(attached.sort()).toEqual(Object.keys(roles).map((id) => ref('aws_iam_role', id, 'id')).sort());
    });
  });

  it('allows nobody anonymous in resource policies, and uses wildcards only to deny', () => {
    everyStack(({ json }) => {
      const documents = [
        ...Object.entries(resources(json, 'aws_s3_bucket_policy')).map(([id, policy]) => [id, policy.policy] as const),
        ...Object.entries(resources(json, 'aws_kms_key')).map(([id, key]) => [id, key.policy] as const),
      ];
      for (const [id, document] of documents) {
        for (const statement of statements(document)) {
          if (statement.Effect === 'Deny') continue;
          const principal = statement.Principal as Record<string, unknown> | string;
          expect([id, principal === '*' || JSON.stringify(principal).includes('"*"')]).toEqual([id, false]);
          expect([id, list(statement.Action).filter((action) => action.includes('*'))]).toEqual([id, []]);
        }
      }
    });
  });

  it('makes every bucket private, owner-enforced, encrypted, versioned, TLS-only and cleaned up', () => {
    everyStack(({ json }) => {
      const buckets = Object.keys(resources(json, 'aws_s3_bucket'));
      // The raw and processed buckets and the one that keeps their access logs; the fleet's artifacts and its load balancer's and distribution's logs.
      expect(buckets.sort()).toEqual(['fleet_artifacts_bucket', 'fleet_logs_bucket', 'storage_access_logs_bucket', 'storage_processed_bucket', 'storage_raw_bucket']);
      for (const bucket of buckets) {
        expect(forBucket(json, 'aws_s3_bucket_public_access_block', bucket)).toEqual([
          expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
        ]);
        expect(forBucket(json, 'aws_s3_bucket_ownership_controls', bucket)).toEqual([expect.objectContaining({ rule: { object_ownership: 'BucketOwnerEnforced' } })]);
        const [encryption] = forBucket(json, 'aws_s3_bucket_server_side_encryption_configuration', bucket);
        expect(['AES256', 'aws:kms']).toContain(encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm);
        expect(forBucket(json, 'aws_s3_bucket_versioning', bucket)).toEqual([expect.objectContaining({ versioning_configuration: { status: 'Enabled' } })]);
        const [policy] = forBucket(json, 'aws_s3_bucket_policy', bucket);
        const arn = ref('aws_s3_bucket', bucket, 'arn');
        expect(statements(policy.policy)).toContainEqual({
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        });
        const [lifecycle] = forBucket(json, 'aws_s3_bucket_lifecycle_configuration', bucket);
        expect(lifecycle.rule).toContainEqual(expect.objectContaining({ filter: [{}], abort_incomplete_multipart_upload: [expect.objectContaining({ days_after_initiation: expect.any(Number) })] }));
      }
    });
  });

  it('logs access to every data bucket, keeps a prod stage’s data from destroy, and caps every function’s concurrency', () => {
    everyStack(({ name, json }) => {
      const buckets = Object.keys(resources(json, 'aws_s3_bucket'));
      const logged = Object.values(resources(json, 'aws_s3_bucket_logging')).map((logging) => logging.bucket);
      const logBuckets = ['storage_access_logs_bucket', 'fleet_logs_bucket'];
      expect(logged.sort()).toEqual(buckets.filter((bucket) => !logBuckets.includes(bucket)).map((bucket) => ref('aws_s3_bucket', bucket, 'id')).sort());
      const prod = name.endsWith('-prod');
      // The artifacts bucket holds only what a synth rebuilds from the checkout.
      const dataBuckets = Object.entries(resources(json, 'aws_s3_bucket')).filter(([id]) => id !== 'fleet_artifacts_bucket').map(([, bucket]) => bucket);
      expect(resources(json, 'aws_s3_bucket').fleet_artifacts_bucket.lifecycle).toEqual({ prevent_destroy: false });
      const kept = [...dataBuckets, ...Object.values(resources(json, 'aws_dynamodb_table')), ...Object.values(resources(json, 'aws_kms_key'))];
      for (const resource of kept) expect([name, resource.lifecycle]).toEqual([name, { prevent_destroy: prod }]);
      for (const fn of Object.values(resources(json, 'aws_lambda_function'))) expect(fn.reserved_concurrent_executions).toBeGreaterThan(0);
    });
  });

  it('lets functions use a bucket key only through S3 and for their buckets’ objects', () => {
    everyStack(({ json }) => {
      for (const policy of Object.values(resources(json, 'aws_iam_role_policy'))) {
        for (const statement of statements(policy.policy).filter((candidate) => candidate.Sid === 'UseBucketKey')) {
          expect(statement.Condition).toEqual({
            StringEquals: { 'kms:ViaService': expect.stringMatching(/^s3\.[a-z0-9-]+\.amazonaws\.com$/) },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': expect.arrayContaining([expect.stringMatching(/^\$\{aws_s3_bucket\.[a-z_]+\.arn\}$/)]) },
          });
        }
      }
    });
  });

  it('encrypts the table, the topics and the queue, and rotates its keys', () => {
    everyStack(({ json }) => {
      for (const table of Object.values(resources(json, 'aws_dynamodb_table'))) {
        expect(table.server_side_encryption.enabled).toBe(true);
        expect(table.point_in_time_recovery.enabled).toBe(true);
      }
      for (const topic of Object.values(resources(json, 'aws_sns_topic'))) expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
      for (const queue of Object.values(resources(json, 'aws_sqs_queue'))) expect(queue.sqs_managed_sse_enabled || Boolean(queue.kms_master_key_id)).toBe(true);
      for (const key of Object.values(resources(json, 'aws_kms_key'))) expect(key.enable_key_rotation).toBe(true);
    });
  });

  it('sends every function, state machine, worker and API log to a log group of its own, with retention', () => {
    everyStack(({ json }) => {
      const groups = resources(json, 'aws_cloudwatch_log_group');
      for (const group of Object.values(groups)) expect(LOG_RETENTION_DAYS).toContain(group.retention_in_days);
      // The instances' log agent names its group in the boot script's configuration.
      const shipped = Object.values(resources(json, 'aws_launch_template')).flatMap((template) => logAgentConfigOf(template).logs.logs_collected.files.collect_list.map((file: { log_group_name: string }) => file.log_group_name));
      const used = [
        ...shipped.map((name) => ref('aws_cloudwatch_log_group', Object.keys(groups).find((id) => groups[id].name === name) ?? `none named ${name}`, 'name')),
        ...Object.values(resources(json, 'aws_lambda_function')).map((fn) => fn.logging_config.log_group as string),
        ...Object.values(resources(json, 'aws_sfn_state_machine')).map((machine) => (machine.logging_configuration.log_destination as string).replace(/\.arn\}:\*$/, '.name}')),
        ...Object.values(resources(json, 'aws_ecs_task_definition')).flatMap((task) => JSON.parse(task.container_definitions as string).map((container: { logConfiguration: { options: Record<string, string> } }) => container.logConfiguration.options['awslogs-group'])),
      ];
      expect(used.sort()).toEqual(Object.keys(groups).map((id) => ref('aws_cloudwatch_log_group', id, 'name')).sort());
      for (const fn of Object.values(resources(json, 'aws_lambda_function'))) {
        const groupId = /^\$\{aws_cloudwatch_log_group\.([a-z0-9_]+)\.name\}$/.exec(fn.logging_config.log_group)?.[1];
        expect(groups[groupId ?? '']?.name).toBe(`/aws/lambda/${fn.function_name}`);
      }
    });
  });

  it('traces every function and state machine with X-Ray', () => {
    everyStack(({ json }) => {
      for (const fn of Object.values(resources(json, 'aws_lambda_function'))) expect(fn.tracing_config).toEqual({ mode: 'Active' });
      for (const machine of Object.values(resources(json, 'aws_sfn_state_machine'))) expect(machine.tracing_configuration).toEqual({ enabled: true });
    });
  });

  it('scopes every Lambda permission to a source ARN and account', () => {
    everyStack(({ json }) => {
      const permissions = Object.values(resources(json, 'aws_lambda_permission'));
      expect(permissions.length).toBeGreaterThan(0);
      for (const permission of permissions) {
        expect(permission).toMatchObject({
          action: 'lambda:InvokeFunction',
          principal: expect.stringMatching(/\.amazonaws\.com$/),
          source_arn: expect.stringMatching(/^\$\{aws_(s3_bucket|cloudwatch_event_rule)\.[a-z0-9_]+\.arn\}$/),
          source_account: '${data.aws_caller_identity.caller.account_id}',
        });
      }
    });
  });

  it('lets the state machine invoke exactly the functions its definition names', () => {
    everyStack(({ json }) => {
      for (const [id, machine] of Object.entries(resources(json, 'aws_sfn_state_machine'))) {
        const named = [...new Set([...(machine.definition as string).matchAll(/"Resource": "(\$\{aws_lambda_function\.[a-z0-9_]+\.arn\})"/g)].map((match) => match[1]!))];
        expect(named).toHaveLength(6);
        const role = /^\$\{aws_iam_role\.([a-z0-9_]+)\.arn\}$/.exec(machine.role_arn)![1]!;
        const policy = Object.values(resources(json, 'aws_iam_role_policy')).find((candidate) => candidate.role === ref('aws_iam_role', role, 'id'));
        expect([id, policy !== undefined]).toEqual([id, true]);
        const invoke = statements(policy.policy).filter((statement) => list(statement.Action).includes('lambda:InvokeFunction'));
        expect(invoke.flatMap((statement) => list(statement.Resource)).sort()).toEqual(named.flatMap((arn) => [arn, `${arn}:*`]).sort());
      }
    });
  });

  it('runs arm64 nodejs24.x functions from assets whose hash is the source_code_hash', () => {
    everyStack(({ json, directory }) => {
      const packages = [...Object.values(resources(json, 'aws_lambda_function')), ...Object.values(resources(json, 'aws_lambda_layer_version'))];
      for (const fn of Object.values(resources(json, 'aws_lambda_function'))) {
        expect(fn).toMatchObject({ runtime: 'nodejs24.x', architectures: ['arm64'], handler: 'index.handler' });
      }
      for (const artifact of packages) {
        expect(artifact.filename).toMatch(/^assets\/[a-z0-9_]+\/[0-9a-f]{64}\/[a-z0-9.-]+\.zip$/);
        const bytes = readFileSync(join(directory, artifact.filename));
        expect(createHash('sha256').update(bytes).digest('base64')).toBe(artifact.source_code_hash);
      }
    });
  });

  it('turns on --enable-source-maps for exactly the functions whose zip carries a source map: none, as the maps stay under .build', () => {
    everyStack(({ json, directory }) => {
      for (const [id, fn] of Object.entries(resources(json, 'aws_lambda_function'))) {
        const shipsMap = [...readZipEntries(readFileSync(join(directory, fn.filename))).keys()].some((entry) => entry.endsWith('.map'));
        const enabled = String(fn.environment?.variables?.NODE_OPTIONS ?? '').includes('--enable-source-maps');
        expect([id, enabled]).toEqual([id, shipsMap]);
        expect([id, shipsMap]).toEqual([id, false]);
      }
    });
  });

  it('ships sharp’s linux-arm64 binaries in the layer of every function that needs sharp', () => {
    everyStack(({ json, directory }) => {
      const [layer] = Object.values(resources(json, 'aws_lambda_layer_version'));
      const entries = readZipEntries(readFileSync(join(directory, layer.filename)));
      const addon = [...entries.keys()].find((name) => /^nodejs\/node_modules\/@img\/sharp-linux-arm64\/lib\/sharp-linux-arm64-[\d.]+\.node$/.test(name));
      expect(addon).toBeDefined();
      expect(entries.get(addon!)!.readUInt16LE(18)).toBe(183); // ELF e_machine: AArch64
      for (const fn of ['validate', 'resize', 'filters', 'optimize']) {
        expect(resources(json, 'aws_lambda_function')[`functions_${fn}_function`].layers).toEqual(['${aws_lambda_layer_version.functions_sharp_layer.arn}']);
      }
    });
  });

  it('pins the provider exactly, locks S3 state, and names no path of this machine', () => {
    everyStack(({ json, text, name }) => {
      expect(json.terraform?.required_providers.aws.version).toMatch(/^\d+\.\d+\.\d+$/);
      if (name.startsWith('everything/')) expect(json.terraform?.backend.s3).toMatchObject({ bucket: 'acme-terraform-state', encrypt: true, use_lockfile: true });
      else expect(json.terraform?.backend.local.path).toMatch(/^(\.\.\/)+terraform\.image-processor-[a-z]+\.tfstate$/);
      expect(text.includes(ROOT)).toBe(false);
    });
  });
});
