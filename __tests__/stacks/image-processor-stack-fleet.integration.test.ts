/**
 * The fleet as each stage's stack builds it from its settings: every property the fleet promises,
 * checked on the synthesized stack of both stages (the construct's own tests vary its props).
 */
import { grants, logAgentConfigOf, only, resources, rolePolicyOf, statements, stubArtifacts, synthJson, testStack, type TerraformJson } from './support';
import { AMI_PARAMETER } from '../../stacks/constructs/fleet/instances';

const userData = (json: TerraformJson) => String(only(json, 'aws_launch_template').user_data).replace(/^\$\{base64encode\("|"\)\}$/g, '');

/** The fleet's resources of a type: the stack holds the worker's network too (its own VPC, subnets, security group). */
const fleetOnly = (json: TerraformJson, type: string) => Object.fromEntries(Object.entries(resources(json, type)).filter(([id]) => id.startsWith('fleet_')));

describe.each(['dev', 'prod'])('the %s stack’s fleet', (stage) => {
  let json: TerraformJson;
  beforeAll(async () => {
    json = synthJson(await testStack({ stage }));
  });

  it('creates a VPC over 2 zones, with S3 and DynamoDB gateway endpoints on the private routes, CloudWatch Logs and SQS interface endpoints in the private subnets, and no NAT gateway', () => {
    expect(Object.values(fleetOnly(json, 'aws_vpc'))).toEqual([expect.objectContaining({ cidr_block: '10.20.0.0/16', enable_dns_hostnames: true })]);
    expect(Object.keys(fleetOnly(json, 'aws_subnet')).sort()).toEqual(['fleet_network_private_0', 'fleet_network_private_1', 'fleet_network_public_0', 'fleet_network_public_1']);
    const endpoints = Object.values(resources(json, 'aws_vpc_endpoint'));
    expect(endpoints.map((endpoint) => endpoint.service_name).sort()).toEqual(['com.amazonaws.us-east-1.dynamodb', 'com.amazonaws.us-east-1.logs', 'com.amazonaws.us-east-1.s3', 'com.amazonaws.us-east-1.sqs']);
    for (const endpoint of endpoints.filter((candidate) => candidate.vpc_endpoint_type === 'Gateway')) expect(endpoint).toMatchObject({ route_table_ids: ['${aws_route_table.fleet_network_private_routes.id}'] });
    for (const endpoint of endpoints.filter((candidate) => candidate.vpc_endpoint_type === 'Interface')) {
      expect(endpoint).toMatchObject({ private_dns_enabled: true, subnet_ids: ['${aws_subnet.fleet_network_private_0.id}', '${aws_subnet.fleet_network_private_1.id}'], security_group_ids: ['${aws_security_group.fleet_network_endpoints_security_group.id}'] });
    }
    expect(statements(resources(json, 'aws_vpc_endpoint').fleet_network_endpoints_sqs.policy)[0]).toMatchObject({ Action: 'sqs:SendMessage', Resource: '${aws_sqs_queue.queues_reprocess.arn}' });
    expect(resources(json, 'aws_nat_gateway')).toEqual({});
    expect(resources(json, 'aws_eip')).toEqual({});
    expect(resources(json, 'aws_route_table').fleet_network_private_routes.route).toBeUndefined();
  });

  it('launches AL2023 arm64 from SSM with IMDSv2 (hop limit 1), an encrypted gp3 root, no public IP and no SSH key', () => {
    expect(Object.values(json.data?.aws_ssm_parameter ?? {})).toEqual([expect.objectContaining({ name: AMI_PARAMETER })]);
    const template = only(json, 'aws_launch_template');
    expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(template.block_device_mappings[0].ebs).toMatchObject({ volume_type: 'gp3', encrypted: 'true', volume_size: 8 });
    expect(template.network_interfaces[0].associate_public_ip_address).toBe('false');
    expect(template.key_name).toBeUndefined();
  });

  it('boots the artifact the stack was given, by its SHA-256, from the artifacts bucket', async () => {
    const { api } = await stubArtifacts();
    expect(only(json, 'aws_s3_object')).toMatchObject({ key: `api/${api.sha256Hex}.zip`, source_hash: api.sha256Hex, bucket: '${aws_s3_bucket.fleet_artifacts_bucket.id}' });
    expect(userData(json)).toContain(`${api.sha256Hex}  /root/image-api.zip`);
    // A plain address: Terraform refuses expressions in depends_on.
    expect(only(json, 'aws_autoscaling_group').depends_on).toEqual(['aws_s3_object.fleet_artifact']);
    expect(userData(json)).toContain(`POWERTOOLS_SERVICE_NAME='image-processor-${stage}'`);
    // Where the API enqueues album reprocessing: the queue the worker consumes.
    expect(userData(json)).toContain("REPROCESS_QUEUE_URL='${aws_sqs_queue.queues_reprocess.url}'");
    expect(logAgentConfigOf(only(json, 'aws_launch_template')).logs.logs_collected.files.collect_list[0].log_group_name).toBe(`/ec2/image-processor-${stage}-api`);
    expect(resources(json, 'aws_cloudwatch_log_group').fleet_api_logs_log_group).toEqual({ name: `/ec2/image-processor-${stage}-api`, kms_key_id: '${aws_kms_key.key_key.arn}', retention_in_days: stage === 'prod' ? 365 : 30 });
  });

  it('runs a mixed-instances group from the settings: On-Demand base 1, Spot above it, 4 arm64 types, rebalance, refresh at 90%, ELB checks, a drain hook, desired capacity left to autoscaling', () => {
    const group = only(json, 'aws_autoscaling_group');
    expect(group).toMatchObject({
      min_size: 1,
      max_size: 4,
      desired_capacity: 1,
      capacity_rebalance: true,
      health_check_type: 'ELB',
      health_check_grace_period: 180,
      instance_refresh: { strategy: 'Rolling', preferences: { min_healthy_percentage: 90 } },
      lifecycle: { ignore_changes: ['desired_capacity'] },
      target_group_arns: ['${aws_lb_target_group.fleet_load_balancer_targets.arn}'],
      vpc_zone_identifier: ['${aws_subnet.fleet_network_private_0.id}', '${aws_subnet.fleet_network_private_1.id}'],
    });
    expect(group.mixed_instances_policy.instances_distribution).toMatchObject({ on_demand_base_capacity: 1, on_demand_percentage_above_base_capacity: 0, spot_allocation_strategy: 'price-capacity-optimized' });
    expect(group.mixed_instances_policy.launch_template.override.map((override: { instance_type: string }) => override.instance_type)).toEqual(['t4g.small', 'm7g.medium', 'c7g.medium', 'm6g.medium']);
    expect(group.initial_lifecycle_hook[0].heartbeat_timeout).toBeLessThanOrEqual(120);
    expect(group.tag.map((tag: { key: string; propagate_at_launch: boolean }) => [tag.key, tag.propagate_at_launch])).toEqual([['Name', true], ['Component', true]]);
    expect(only(json, 'aws_launch_template').tag_specifications.map((spec: { resource_type: string }) => spec.resource_type)).toEqual(['instance', 'volume']);
    expect(only(json, 'aws_autoscaling_policy').target_tracking_configuration).toMatchObject({ predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' }, target_value: 75 });
  });

  it('enters through CloudFront (HTTPS only, its own certificate, WAF with managed rules and a rate rule, access logs) and a VPC origin to an internal ALB', () => {
    const distribution = only(json, 'aws_cloudfront_distribution');
    expect(distribution.default_cache_behavior.viewer_protocol_policy).toBe('https-only');
    expect(distribution.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    expect(distribution.origin[0]).toMatchObject({ domain_name: '${aws_lb.fleet_load_balancer_alb.dns_name}', vpc_origin_config: { vpc_origin_id: '${aws_cloudfront_vpc_origin.fleet_entry_vpc_origin.id}' } });
    expect(only(json, 'aws_cloudfront_vpc_origin').vpc_origin_endpoint_config[0].arn).toBe('${aws_lb.fleet_load_balancer_alb.arn}');
    const acl = only(json, 'aws_wafv2_web_acl');
    expect(distribution.web_acl_id).toBe('${aws_wafv2_web_acl.fleet_entry_web_acl.arn}');
    expect(acl).toMatchObject({ scope: 'CLOUDFRONT', provider: 'aws.us_east_1' });
    expect(acl.rule.filter((rule: any) => rule.statement.managed_rule_group_statement).length).toBeGreaterThanOrEqual(3);
    expect(acl.rule.find((rule: any) => rule.statement.rate_based_statement)).toMatchObject({ action: { block: {} }, statement: { rate_based_statement: { limit: 2000, aggregate_key_type: 'IP' } } });
    expect(only(json, 'aws_cloudwatch_log_delivery_destination').delivery_destination_configuration[0].destination_resource_arn).toBe('${aws_s3_bucket.fleet_logs_bucket.arn}/cloudfront');
    expect(json.provider?.aws).toEqual(expect.arrayContaining([expect.objectContaining({ alias: 'us_east_1', region: 'us-east-1' })]));
  });

  it(`has an internal ALB that drops invalid headers, mitigates desync strictest, logs, ${stage === 'prod' ? 'is' : 'is not'} deletion-protected, checks /healthz and deregisters within 60 s`, () => {
    expect(only(json, 'aws_lb')).toMatchObject({
      internal: true,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: 'strictest',
      enable_deletion_protection: stage === 'prod',
      access_logs: { bucket: '${aws_s3_bucket.fleet_logs_bucket.bucket}', enabled: true },
    });
    const targets = only(json, 'aws_lb_target_group');
    expect(targets).toMatchObject({ port: 8080, deregistration_delay: '30', health_check: { path: '/healthz', matcher: '200' } });
    expect(userData(json)).toContain("SHUTDOWN_GRACE_SECONDS='25'");
    expect(userData(json)).toContain('TimeoutStopSec=30');
  });

  it('lets only the VPC origin reach the ALB, only the ALB reach the instances and only the instances reach the interface endpoints; nothing else inbound', () => {
    const ingress = Object.values(resources(json, 'aws_vpc_security_group_ingress_rule'));
    expect(ingress.map((rule) => [rule.security_group_id, rule.referenced_security_group_id, rule.from_port, rule.to_port]).sort()).toEqual([
      ['${aws_security_group.fleet_instances_security_group.id}', '${aws_security_group.fleet_load_balancer_security_group.id}', 8080, 8080],
      ['${aws_security_group.fleet_load_balancer_security_group.id}', '${data.aws_security_group.fleet_vpc_origin_group.id}', 80, 80],
      ['${aws_security_group.fleet_network_endpoints_security_group.id}', '${aws_security_group.fleet_instances_security_group.id}', 443, 443],
    ]);
    for (const group of Object.values(fleetOnly(json, 'aws_security_group'))) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
  });

  it('gives the instances exactly the api entry’s access, their artifact and their log group', async () => {
    const { api } = await stubArtifacts();
    const role = Object.entries(resources(json, 'aws_iam_role')).find(([, value]) => value.name === `image-processor-${stage}-api`)![0];
    const granted = grants(rolePolicyOf(json, role));
    expect(Object.keys(granted)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sqs:SendMessage']);
    expect(granted['logs:PutLogEvents']).toEqual(['${aws_cloudwatch_log_group.fleet_api_logs_log_group.arn}:*']);
    expect(granted['s3:PutObject']).toEqual(['${aws_s3_bucket.storage_raw_bucket.arn}/uploads/*']);
    // Album reprocessing: sending to the reprocess queue only, encrypted with the stack key (the buckets' key too).
    expect(granted['sqs:SendMessage']).toEqual(['${aws_sqs_queue.queues_reprocess.arn}']);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) expect(granted[action]).toContain('${aws_kms_key.key_key.arn}');
    expect(granted['s3:GetObject']).toContain(`\${aws_s3_bucket.fleet_artifacts_bucket.arn}/api/${api.sha256Hex}.zip`);
  });

  it('admits exactly the gallery’s origin in the raw bucket’s CORS', () => {
    expect(only(json, 'aws_s3_bucket_cors_configuration').cors_rule).toEqual([
      expect.objectContaining({ allowed_origins: ['https://${aws_cloudfront_distribution.fleet_entry_distribution.domain_name}'], allowed_methods: ['POST', 'PUT'] }),
    ]);
  });

  it('outputs the gallery URL and the ALB’s DNS name', () => {
    expect(json.output?.gallery_url.value).toBe('https://${aws_cloudfront_distribution.fleet_entry_distribution.domain_name}');
    expect(json.output?.load_balancer_dns_name.value).toBe('${aws_lb.fleet_load_balancer_alb.dns_name}');
  });
});

describe('the fleet’s settings', () => {
  it('use an existing VPC and its subnets, with gateway endpoints on its route tables and interface endpoints in its private subnets', async () => {
    const json = synthJson(
      await testStack({
        env: { IMAGE_PROCESSOR_FLEET_VPC_ID: 'vpc-0123456789abcdef0', IMAGE_PROCESSOR_FLEET_PUBLIC_SUBNET_IDS: 'subnet-0000000a,subnet-0000000b', IMAGE_PROCESSOR_FLEET_PRIVATE_SUBNET_IDS: 'subnet-0000000c,subnet-0000000d' },
      }),
    );
    expect(fleetOnly(json, 'aws_vpc')).toEqual({});
    expect(fleetOnly(json, 'aws_subnet')).toEqual({});
    expect(only(json, 'aws_autoscaling_group').vpc_zone_identifier).toEqual(['subnet-0000000c', 'subnet-0000000d']);
    expect(only(json, 'aws_lb').subnets).toEqual(['subnet-0000000c', 'subnet-0000000d']);
    expect(Object.values(resources(json, 'aws_vpc_endpoint')).map((endpoint) => [endpoint.vpc_endpoint_type, endpoint.vpc_id, endpoint.subnet_ids]).sort()).toEqual([
      ['Gateway', 'vpc-0123456789abcdef0', undefined],
      ['Gateway', 'vpc-0123456789abcdef0', undefined],
      ['Interface', 'vpc-0123456789abcdef0', ['subnet-0000000c', 'subnet-0000000d']],
      ['Interface', 'vpc-0123456789abcdef0', ['subnet-0000000c', 'subnet-0000000d']],
    ]);
  });

  it('span 3 zones, size the group and its Spot share, and move the CPU target when asked', async () => {
    const json = synthJson(
      await testStack({
        env: {
          IMAGE_PROCESSOR_FLEET_AVAILABILITY_ZONES: '3',
          IMAGE_PROCESSOR_FLEET_MAX_SIZE: '10',
          IMAGE_PROCESSOR_FLEET_ON_DEMAND_BASE_CAPACITY: '2',
          IMAGE_PROCESSOR_FLEET_MIN_SIZE: '2',
          IMAGE_PROCESSOR_FLEET_DESIRED_CAPACITY: '2',
          IMAGE_PROCESSOR_FLEET_ON_DEMAND_PERCENTAGE_ABOVE_BASE: '25',
          IMAGE_PROCESSOR_FLEET_TARGET_CPU_PERCENT: '60',
        },
      }),
    );
    expect(Object.values(fleetOnly(json, 'aws_subnet')).map((subnet) => subnet.cidr_block).sort()).toEqual(['10.20.0.0/24', '10.20.1.0/24', '10.20.128.0/24', '10.20.129.0/24', '10.20.130.0/24', '10.20.2.0/24']);
    expect(only(json, 'aws_autoscaling_group')).toMatchObject({ min_size: 2, max_size: 10, desired_capacity: 2 });
    expect(only(json, 'aws_autoscaling_group').mixed_instances_policy.instances_distribution).toMatchObject({ on_demand_base_capacity: 2, on_demand_percentage_above_base_capacity: 25 });
    expect(only(json, 'aws_autoscaling_policy').target_tracking_configuration.target_value).toBe(60);
  });

  it('put a domain and its certificate on the distribution, and admit that origin for uploads', async () => {
    const json = synthJson(await testStack({ env: { IMAGE_PROCESSOR_FLEET_DOMAIN_NAME: 'images.example.com', IMAGE_PROCESSOR_FLEET_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } }));
    expect(only(json, 'aws_cloudfront_distribution')).toMatchObject({ aliases: ['images.example.com'], viewer_certificate: { minimum_protocol_version: 'TLSv1.2_2021', ssl_support_method: 'sni-only' } });
    expect(json.output?.gallery_url.value).toBe('https://images.example.com');
    expect(only(json, 'aws_s3_bucket_cors_configuration').cors_rule[0].allowed_origins).toEqual(['https://images.example.com']);
  });

  it('put an internet-facing ALB in the public subnets instead, HTTPS with HTTP only redirecting, when asked', async () => {
    const json = synthJson(await testStack({ env: { IMAGE_PROCESSOR_FLEET_INTERNET_FACING_ALB: 'true', IMAGE_PROCESSOR_FLEET_ALB_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } }));
    expect(only(json, 'aws_lb')).toMatchObject({ internal: false, subnets: ['${aws_subnet.fleet_network_public_0.id}', '${aws_subnet.fleet_network_public_1.id}'] });
    expect(resources(json, 'aws_cloudfront_distribution')).toEqual({});
    expect(Object.values(resources(json, 'aws_lb_listener')).map((listener) => [listener.port, listener.protocol, listener.default_action[0].type]).sort()).toEqual([
      [443, 'HTTPS', 'forward'],
      [80, 'HTTP', 'redirect'],
    ]);
    expect(json.output?.gallery_url.value).toBe('https://${aws_lb.fleet_load_balancer_alb.dns_name}');
  });

  it('add further upload origins only when named', async () => {
    const json = synthJson(await testStack({ env: { IMAGE_PROCESSOR_CORS_ALLOWED_ORIGINS: 'https://app.example.com' } }));
    expect(only(json, 'aws_s3_bucket_cors_configuration').cors_rule[0].allowed_origins).toEqual([
      'https://${aws_cloudfront_distribution.fleet_entry_distribution.domain_name}',
      'https://app.example.com',
    ]);
  });
});
