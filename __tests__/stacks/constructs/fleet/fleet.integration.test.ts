import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Fleet, type FleetProps } from '../../../../stacks/constructs/fleet/fleet';
import { InterfaceEndpoints } from '../../../../stacks/constructs/fleet/interface-endpoints';
import { AMI_PARAMETER } from '../../../../stacks/constructs/fleet/instances';
import { API_ERRORS_METRIC } from '../../../../stacks/constructs/fleet/api-logs';
import { API_LOG_FILE } from '../../../../stacks/constructs/fleet/log-agent';
import { METRICS_NAMESPACE } from '../../../../handlers/runtime/metrics';
import { subnet24 } from '../../../../stacks/constructs/fleet/network';
import { ALB_TLS_POLICY } from '../../../../stacks/constructs/fleet/load-balancer';
import { Testing, TerraformStack } from 'cdktf';
import { JobsTable } from '../../../../stacks/constructs/pipeline/jobs-table';
import { NotificationTopics } from '../../../../stacks/constructs/pipeline/topics';
import { WorkerQueues } from '../../../../stacks/constructs/queues/worker-queues';
import { StackKey } from '../../../../stacks/constructs/shared/stack-key';
import { ImageStorage } from '../../../../stacks/constructs/storage/storage';
import { grants, logAgentConfigOf, only, resources, rolePolicyOf, statements, synthJson, type TerraformJson } from '../../support';

const ARTIFACT = join(mkdtempSync(join(tmpdir(), 'fleet-artifact-')), 'api.zip');
writeFileSync(ARTIFACT, 'zip bytes');
const SHA = 'a'.repeat(64);
const LOG_GROUP = '/ec2/image-processor-dev-api';

/** The fleet on its own in a stack, over the resources it serves (the stages' stacks are tested in image-processor-stack-fleet). */
async function fleetJson(overrides: Partial<FleetProps> = {}): Promise<TerraformJson> {
  const stack = new TerraformStack(Testing.app(), 'fleet-test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const globalProvider = new AwsProvider(stack, 'us_east_1', { alias: 'us_east_1', region: 'us-east-1' });
  const storage = new ImageStorage(stack, 'storage', { rawBucketName: 'raw', processedBucketName: 'processed', accessLogsBucketName: 'logs', accountId: '123456789012', region: 'us-east-1' });
  const key = new StackKey(stack, 'key', { alias: 'alias/fleet-test', accountId: '123456789012', partition: 'aws', region: 'us-east-1' });
  const topics = new NotificationTopics(stack, 'topics', { successTopicName: 'success', errorTopicName: 'error', key, region: 'us-east-1' });
  new Fleet(stack, 'fleet', {
    namePrefix: 'image-processor-dev',
    region: 'us-east-1',
    accountId: '123456789012',
    resources: { storage, table: new JobsTable(stack, 'jobs', { tableName: 'jobs' }), topics },
    queues: new WorkerQueues(stack, 'queues', { namePrefix: 'image-processor-dev', kmsKeyArn: key.arn }),
    artifact: { path: ARTIFACT, sha256Hex: SHA },
    globalProvider,
    artifactsBucketName: 'artifacts-bucket',
    logsBucketName: 'fleet-logs-bucket',
    api: { serviceName: 'image-processor-dev', jobTtlDays: 30, maxInputBytes: 1000, uploadUrlSeconds: 300, downloadUrlSeconds: 300, apiRateLimitPerMinute: 600, tokenCacheSeconds: 10 },
    logs: { groupName: LOG_GROUP, key, retentionDays: 30 },
    ...overrides,
  });
  return synthJson(stack);
}

/** The streams of the API's log group, as the role and the logs endpoint's policy name them. */
function logStreams(synthesized: TerraformJson): string {
  const [id] = Object.keys(resources(synthesized, 'aws_cloudwatch_log_group'));
  return `\${aws_cloudwatch_log_group.${id}.arn}:*`;
}

let json: TerraformJson;
beforeAll(async () => {
  json = await fleetJson();
});

describe('the fleet’s instances', () => {
  it('launch AL2023 arm64 from the public SSM parameter with IMDSv2 only, an encrypted gp3 root, no public IP and no SSH key', () => {
    expect(Object.values(json.data?.aws_ssm_parameter ?? {})).toEqual([expect.objectContaining({ name: AMI_PARAMETER })]);
    const template = only(json, 'aws_launch_template');
    expect(template.image_id).toMatch(/data\.aws_ssm_parameter\..*insecure_value/);
    expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1, http_endpoint: 'enabled' });
    expect(template.block_device_mappings).toEqual([expect.objectContaining({ ebs: expect.objectContaining({ volume_type: 'gp3', encrypted: 'true' }) })]);
    expect(template.network_interfaces).toEqual([expect.objectContaining({ associate_public_ip_address: 'false' })]);
    expect(template.key_name).toBeUndefined();
    expect(template.tag_specifications.map((spec: { resource_type: string }) => spec.resource_type).sort()).toEqual(['instance', 'volume']);
  });

  it('fetch the artifact, check its SHA-256 and run it under a hardened systemd unit', () => {
    const script = Buffer.from(String(only(json, 'aws_launch_template').user_data).replace(/^\$\{base64encode\("|"\)\}$/g, ''), 'utf8').toString();
    for (const expected of [`${SHA}  /root/image-api.zip`, 'sha256sum --check --strict', 'User=image-api', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'Restart=on-failure', 'API_PORT=', 'RAW_BUCKET=', 'SHUTDOWN_GRACE_SECONDS=\'25\'']) {
      expect(script).toContain(expected);
    }
  });

  it('form a mixed-instances group: On-Demand base, Spot above it, several arm64 types, rebalance, refresh, ELB checks, a drain hook', () => {
    const group = only(json, 'aws_autoscaling_group');
    const policy = group.mixed_instances_policy;
    expect(policy.instances_distribution).toMatchObject({ on_demand_base_capacity: 1, on_demand_percentage_above_base_capacity: 0, spot_allocation_strategy: 'price-capacity-optimized' });
    expect(policy.launch_template.override.length).toBeGreaterThanOrEqual(3);
    for (const override of policy.launch_template.override) expect(override.instance_type).toMatch(/^[a-z]+\d+g[a-z]*\./);
    expect(group).toMatchObject({ capacity_rebalance: true, health_check_type: 'ELB', health_check_grace_period: 180, instance_refresh: { strategy: 'Rolling', preferences: { min_healthy_percentage: 90 } } });
    expect(group.lifecycle.ignore_changes).toEqual(['desired_capacity']);
    expect(group.tag.every((tag: { propagate_at_launch: boolean }) => tag.propagate_at_launch)).toBe(true);
    expect(group.initial_lifecycle_hook).toEqual([expect.objectContaining({ lifecycle_transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeat_timeout: 90 })]);
    expect(group.launch_template).toBeUndefined();
  });

  it('scale on average CPU at 75%', () => {
    expect(only(json, 'aws_autoscaling_policy')).toMatchObject({
      policy_type: 'TargetTrackingScaling',
      target_tracking_configuration: { predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' }, target_value: 75 },
    });
  });

  it('have a role granting exactly the api manifest entry’s access and its own artifact, and no Session Manager unless asked', () => {
    const role = Object.entries(resources(json, 'aws_iam_role')).find(([, value]) => value.name === 'image-processor-dev-api')!;
    expect(JSON.parse(role[1].assume_role_policy).Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
    const granted = grants(rolePolicyOf(json, role[0]));
    expect(Object.keys(granted).sort()).toEqual(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sqs:SendMessage'],
    );
    // Enqueueing album reprocessing: the reprocess queue only, and its key to encrypt the messages.
    expect(granted['sqs:SendMessage']).toEqual([expect.stringMatching(/^\$\{aws_sqs_queue\.queues_reprocess_[0-9A-F]+\.arn\}$/)]);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) expect(granted[action]).toEqual([expect.stringMatching(/^\$\{aws_kms_key\.key_[0-9A-F]+\.arn\}$/)]);
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) expect(granted[action]).toEqual([logStreams(json)]);
    expect(granted['s3:PutObject']).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\.storage_raw_bucket_[0-9A-F]+\.arn\}\/uploads\/\*$/)]);
    expect(granted['s3:GetObject']).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^\\$\\{aws_s3_bucket\\.fleet_artifacts_bucket_[0-9A-F]+\\.arn\\}/api/${SHA}\\.zip$`))]));
    expect(Object.values(resources(json, 'aws_iam_role_policy_attachment'))).toEqual([]);
  });
});

describe('the fleet’s network and entry', () => {
  it('creates a VPC over 2 zones with gateway endpoints for S3 and DynamoDB, interface endpoints for CloudWatch Logs and SQS, and no NAT gateway', () => {
    expect(Object.keys(resources(json, 'aws_subnet')).filter((id) => id.startsWith('fleet_'))).toHaveLength(4);
    expect(Object.values(resources(json, 'aws_vpc_endpoint')).map((endpoint) => [endpoint.service_name, endpoint.vpc_endpoint_type]).sort()).toEqual([
      ['com.amazonaws.us-east-1.dynamodb', 'Gateway'],
      ['com.amazonaws.us-east-1.logs', 'Interface'],
      ['com.amazonaws.us-east-1.s3', 'Gateway'],
      ['com.amazonaws.us-east-1.sqs', 'Interface'],
    ]);
    // AWS's default policy on the S3 gateway endpoint: the AL2023 package repositories (S3 buckets) the boot script installs from stay reachable.
    expect(Object.values(resources(json, 'aws_vpc_endpoint')).find((endpoint) => endpoint.service_name.endsWith('.s3')).policy).toBeUndefined();
    expect(resources(json, 'aws_nat_gateway')).toEqual({});
    for (const subnet of Object.values(resources(json, 'aws_subnet'))) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it('puts an internal ALB behind CloudFront: invalid headers dropped, strictest desync, logs, protection, /healthz, short deregistration', () => {
    expect(only(json, 'aws_lb')).toMatchObject({ internal: true, drop_invalid_header_fields: true, desync_mitigation_mode: 'strictest', enable_deletion_protection: true, access_logs: { enabled: true, prefix: 'alb' } });
    const targets = only(json, 'aws_lb_target_group');
    expect(targets.health_check).toMatchObject({ path: '/healthz' });
    expect(Number(targets.deregistration_delay)).toBeLessThanOrEqual(60);
    expect(only(json, 'aws_lb_listener')).toMatchObject({ port: 80, protocol: 'HTTP' });
    const distribution = only(json, 'aws_cloudfront_distribution');
    expect(distribution.default_cache_behavior.viewer_protocol_policy).toBe('https-only');
    expect(distribution.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    expect(distribution.origin[0].vpc_origin_config.vpc_origin_id).toMatch(/aws_cloudfront_vpc_origin/);
    expect(distribution.web_acl_id).toMatch(/aws_wafv2_web_acl/);
    expect(only(json, 'aws_cloudwatch_log_delivery_source')).toMatchObject({ log_type: 'ACCESS_LOGS', provider: 'aws.us_east_1' });
  });

  it('guards CloudFront with a WAF web ACL of AWS managed rule groups and a per-IP rate rule, in us-east-1', () => {
    const acl = only(json, 'aws_wafv2_web_acl');
    expect(acl).toMatchObject({ scope: 'CLOUDFRONT', provider: 'aws.us_east_1' });
    expect(acl.rule.map((rule: any) => rule.statement.managed_rule_group_statement?.name ?? `rate ${rule.statement.rate_based_statement.limit}`)).toEqual([
      'rate 2000',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
    ]);
  });

  it('lets only the VPC origin reach the ALB, only the ALB reach the instances, on the app port, and only the instances reach the interface endpoints; the instances reach only the endpoints', () => {
    const ingress = Object.values(resources(json, 'aws_vpc_security_group_ingress_rule'));
    expect(ingress).toHaveLength(3);
    expect(ingress.every((rule) => rule.cidr_ipv4 === undefined && rule.referenced_security_group_id)).toBe(true);
    expect(ingress.map((rule) => rule.from_port).sort()).toEqual([443, 80, 8080]);
    const egress = Object.values(resources(json, 'aws_vpc_security_group_egress_rule'));
    expect(egress.every((rule) => rule.cidr_ipv4 === undefined)).toBe(true);
    const target = (rule: any) => (rule.prefix_list_id ? 'gateway endpoint' : String(rule.referenced_security_group_id).includes('endpoints') ? 'interface endpoints' : 'instances');
    expect(egress.map((rule) => [rule.from_port, target(rule)]).sort()).toEqual([[443, 'gateway endpoint'], [443, 'gateway endpoint'], [443, 'interface endpoints'], [8080, 'instances']]);
    expect(Object.values(json.data?.aws_security_group ?? {})[0].filter[0]).toEqual({ name: 'group-name', values: ['CloudFront-VPCOrigins-Service-SG'] });
  });

  it('uses a domain and its certificate with TLS 1.2 at least when given', async () => {
    const withDomain = await fleetJson({ domain: { name: 'images.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } });
    expect(only(withDomain, 'aws_cloudfront_distribution')).toMatchObject({
      aliases: ['images.example.com'],
      viewer_certificate: { acm_certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', ssl_support_method: 'sni-only', minimum_protocol_version: 'TLSv1.2_2021' },
    });
  });

  it('as an internet-facing ALB: HTTPS with TLS 1.3/1.2 and HTTP that only redirects, no CloudFront', async () => {
    const facing = await fleetJson({ internetFacing: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } });
    expect(only(facing, 'aws_lb').internal).toBe(false);
    const listeners = Object.values(resources(facing, 'aws_lb_listener'));
    expect(listeners.find((listener) => listener.port === 443)).toMatchObject({ protocol: 'HTTPS', ssl_policy: ALB_TLS_POLICY });
    expect(listeners.find((listener) => listener.port === 80).default_action[0]).toMatchObject({ type: 'redirect', redirect: { protocol: 'HTTPS', status_code: 'HTTP_301' } });
    expect(resources(facing, 'aws_cloudfront_distribution')).toEqual({});
  });

  it('uses an existing VPC and its subnets when given', async () => {
    const existing = await fleetJson({ network: { existing: { vpcId: 'vpc-0123456789abcdef0', publicSubnetIds: ['subnet-0000000a', 'subnet-0000000b'], privateSubnetIds: ['subnet-0000000c', 'subnet-0000000d'] } } });
    expect(Object.keys(resources(existing, 'aws_vpc')).filter((id) => id.startsWith('fleet_'))).toEqual([]);
    expect(only(existing, 'aws_autoscaling_group').vpc_zone_identifier).toEqual(['subnet-0000000c', 'subnet-0000000d']);
  });
});

describe('the fleet’s logs', () => {
  it('go to a log group named like the others, encrypted with the stack key, kept as long as the retention setting says', () => {
    const [key] = Object.keys(resources(json, 'aws_kms_key'));
    expect(only(json, 'aws_cloudwatch_log_group')).toEqual({ name: LOG_GROUP, kms_key_id: `\${aws_kms_key.${key}.arn}`, retention_in_days: 30 });
  });

  it('are shipped by the CloudWatch agent the boot script configures, from the file the API’s unit appends to, into that group', () => {
    const script = Buffer.from(String(only(json, 'aws_launch_template').user_data).replace(/^\$\{base64encode\("|"\)\}$/g, ''), 'utf8').toString();
    expect(script).toContain(`StandardOutput=append:${API_LOG_FILE}`);
    expect(logAgentConfigOf(only(json, 'aws_launch_template')).logs.logs_collected.files.collect_list).toEqual([expect.objectContaining({ file_path: API_LOG_FILE, log_group_name: LOG_GROUP })]);
    expect(script).toContain('dnf install -y amazon-cloudwatch-agent');
  });

  it('count the API’s ERROR lines as a metric of the service, which an alarm can watch', () => {
    expect(only(json, 'aws_cloudwatch_log_metric_filter')).toMatchObject({
      log_group_name: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..*\.name\}$/),
      pattern: '{ $.level = "ERROR" }',
      metric_transformation: { namespace: METRICS_NAMESPACE, name: API_ERRORS_METRIC, value: '1', dimensions: { service: '$.service' } },
    });
  });
});

describe('the fleet’s interface endpoints', () => {
  const interfaceEndpoints = (synthesized: TerraformJson) => Object.values(resources(synthesized, 'aws_vpc_endpoint')).filter((endpoint) => endpoint.vpc_endpoint_type === 'Interface');

  it('sit in the private subnets with private DNS, behind a group that admits HTTPS only from the instances and sends nothing', () => {
    const endpoints = interfaceEndpoints(json);
    expect(endpoints).toHaveLength(2);
    const [group] = Object.entries(resources(json, 'aws_security_group')).find(([, value]) => value.name === 'image-processor-dev-api-endpoints')!;
    for (const endpoint of endpoints) {
      expect(endpoint).toMatchObject({ private_dns_enabled: true, security_group_ids: [`\${aws_security_group.${group}.id}`] });
      expect(endpoint.subnet_ids).toEqual([expect.stringMatching(/^\$\{aws_subnet\.fleet_network_private_0.*\.id\}$/), expect.stringMatching(/^\$\{aws_subnet\.fleet_network_private_1.*\.id\}$/)]);
    }
    const rules = (type: string) => Object.values(resources(json, type)).filter((rule) => rule.security_group_id === `\${aws_security_group.${group}.id}`);
    expect(rules('aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(rules('aws_vpc_security_group_ingress_rule')).toEqual([expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, referenced_security_group_id: expect.stringContaining('fleet_instances_security_group') })]);
  });

  it('admit only the instance role’s own calls: writing the API’s log streams, sending to the queues it sends to', () => {
    const policies = Object.fromEntries(interfaceEndpoints(json).map((endpoint) => [endpoint.service_name.replace(/^.*\./, ''), statements(endpoint.policy)]));
    const role = Object.keys(resources(json, 'aws_iam_role')).find((id) => resources(json, 'aws_iam_role')[id].name === 'image-processor-dev-api');
    const condition = { ArnEquals: { 'aws:PrincipalArn': `\${aws_iam_role.${role}.arn}` } };
    expect(policies.logs).toEqual([expect.objectContaining({ Effect: 'Allow', Principal: '*', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logStreams(json), Condition: condition })]);
    expect(policies.sqs).toEqual([expect.objectContaining({ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: expect.stringMatching(/^\$\{aws_sqs_queue\.queues_reprocess_[0-9A-F]+\.arn\}$/), Condition: condition })]);
  });

  it('are made in an existing VPC too, in its private subnets; for a service without one there, the instances may reach the VPC’s NAT on HTTPS', async () => {
    const existing = { vpcId: 'vpc-0123456789abcdef0', publicSubnetIds: ['subnet-0000000a', 'subnet-0000000b'], privateSubnetIds: ['subnet-0000000c', 'subnet-0000000d'] };
    const withEndpoints = await fleetJson({ network: { existing } });
    expect(interfaceEndpoints(withEndpoints).map((endpoint) => endpoint.subnet_ids)).toEqual([existing.privateSubnetIds, existing.privateSubnetIds]);
    const withNat = await fleetJson({ network: { existing }, interfaceEndpoints: [] });
    expect(interfaceEndpoints(withNat)).toEqual([]);
    expect(Object.values(resources(withNat, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.cidr_ipv4)).toEqual([expect.objectContaining({ cidr_ipv4: '0.0.0.0/0', from_port: 443, to_port: 443 })]);
    expect(Object.values(resources(withEndpoints, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.cidr_ipv4)).toEqual([]);
    const logsOnly = await fleetJson({ network: { existing }, interfaceEndpoints: ['logs'] });
    expect(interfaceEndpoints(logsOnly).map((endpoint) => endpoint.service_name)).toEqual(['com.amazonaws.us-east-1.logs']);
    expect(Object.values(resources(logsOnly, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.cidr_ipv4).map((rule) => rule.description)).toEqual(['sqs through the VPC’s own NAT']);
  });

  it('refuses an endpoint whose policy would admit nothing', () => {
    const stack = new TerraformStack(Testing.app(), 'endpoints-test');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const endpoints = () =>
      new InterfaceEndpoints(stack, 'endpoints', {
        namePrefix: 'image-processor-dev',
        region: 'us-east-1',
        vpcId: 'vpc-0123',
        subnetIds: ['subnet-a', 'subnet-b'],
        services: { sqs: { actions: ['sqs:SendMessage'], resources: [] } },
        clientSecurityGroupId: 'sg-0123',
        clientRoleArn: 'arn:aws:iam::123456789012:role/image-processor-dev-api',
      });
    expect(endpoints).toThrow("Expected the sqs endpoint's policy to admit some actions on some resources, but it names 1 actions and 0 resources.");
  });
});

describe('subnet24', () => {
  it('gives the /24s of a block as cidrsubnet would, and refuses one outside it', () => {
    expect([subnet24('10.20.0.0/16', 0), subnet24('10.20.0.0/16', 129), subnet24('172.16.16.0/20', 15), subnet24('192.168.0.0/16', 255)]).toEqual(['10.20.0.0/24', '10.20.129.0/24', '172.16.31.0/24', '192.168.255.0/24']);
    expect(() => subnet24('172.16.16.0/20', 16)).toThrow('Expected a subnet index below 16 in 172.16.16.0/20, but received 16.');
  });
});
