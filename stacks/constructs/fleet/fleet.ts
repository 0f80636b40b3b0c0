/**
 * The API fleet: network, artifacts and logs buckets, the load balancer, the entry (CloudFront with
 * WAF reaching the internal load balancer, or the load balancer itself when internet-facing) and
 * the instances, with security groups that let only the entry reach the load balancer and only the
 * load balancer reach the instances, on the app port. The instance role grants exactly the api
 * manifest entry's access needs (enqueueing on the reprocess queue among them), plus reading its
 * own artifact and writing its own log group; the instances reach CloudWatch Logs and SQS through
 * interface endpoints that admit only that role.
 */
import { Construct } from 'constructs';
import { Lazy, TerraformAsset, type TerraformProvider } from 'cdktf';
import { DataAwsSecurityGroup } from '@cdktf/provider-aws/lib/data-aws-security-group';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { writeRuntimeEnv, type RuntimeInputs } from '../../../handlers/runtime/env';
import { MANIFEST } from '../../../handlers/runtime/manifest';
import { INTERFACE_ENDPOINT_SERVICES, type InterfaceEndpointService } from '../../config/fleet';
import { grantAccess, type AccessResources } from '../pipeline/access';
import type { WorkerQueues } from '../queues/worker-queues';
import { ApiLogs } from './api-logs';
import type { EndpointAccess } from './interface-endpoints';
import type { ServiceRole } from '../shared/role';
import type { LogGroupKey } from '../shared/stack-key';
import { SecureBucket } from '../shared/secure-bucket';
import { FleetEntry } from './entry';
import { FleetInstances, type FleetInstancesProps } from './instances';
import { FleetLoadBalancer } from './load-balancer';
import { FleetNetwork, type FleetNetworkProps } from './network';
import { userDataScript } from './user-data';

export interface FleetProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly resources: AccessResources;
  /** The worker's queues: the API enqueues album reprocessing on `reprocess`. */
  readonly queues: WorkerQueues;
  /** The API artifact (a deterministic zip: `api/index.js`, `api/gallery/`, `node/bin/node`) and its SHA-256. */
  readonly artifact: { readonly path: string; readonly sha256Hex: string };
  readonly globalProvider: TerraformProvider;
  readonly artifactsBucketName: string;
  readonly logsBucketName: string;
  /** The API's settings that are not names of resources. */
  readonly api: Omit<RuntimeInputs<'api'>, 'rawBucket' | 'processedBucket' | 'jobsTable' | 'uploadsPrefix' | 'apiHost' | 'apiPort' | 'shutdownGraceSeconds' | 'reprocessQueueUrl'>;
  readonly network?: Omit<FleetNetworkProps, 'namePrefix' | 'region'>;
  /** The API's log group (`/ec2/<stack>-api`), the stack key that encrypts it, and its retention (365 days by default). */
  readonly logs: { readonly groupName: string; readonly key: LogGroupKey; readonly retentionDays?: number };
  /** Services reached through interface endpoints; empty for a VPC whose NAT reaches them. @default logs and sqs */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  readonly instances?: Omit<FleetInstancesProps, 'namePrefix' | 'vpcId' | 'subnetIds' | 'targetGroupArn' | 'userData' | 'launchAfter'>;
  /** @default 8080 */ readonly apiPort?: number;
  /** @default 30 (at most 60); the API's SIGTERM grace is 5 s less */ readonly deregistrationDelaySeconds?: number;
  /** @default true */ readonly deletionProtection?: boolean;
  /** @default 2000 */ readonly wafRateLimit?: number;
  /** @default the distribution's own address */ readonly domain?: { readonly name: string; readonly certificateArn: string };
  /** @default internal behind CloudFront */ readonly internetFacing?: { readonly certificateArn: string };
  /** Lets `destroy` empty the buckets. @default false */ readonly forceDestroy?: boolean;
  /** Terraform refuses to destroy the log bucket (the artifacts bucket is rebuilt from the checkout). @default true */ readonly preventDestroy?: boolean;
}

const HTTPS = 443;
const HTTP = 80;
/** The security group AWS creates in the VPC for CloudFront VPC origins. */
export const VPC_ORIGIN_SECURITY_GROUP = 'CloudFront-VPCOrigins-Service-SG';

export class Fleet extends Construct {
  readonly network: FleetNetwork;
  readonly loadBalancer: FleetLoadBalancer;
  readonly entry: FleetEntry | undefined;
  readonly instances: FleetInstances;
  readonly artifacts: SecureBucket;
  readonly logs: SecureBucket;
  readonly apiLogs: ApiLogs;
  /** The gallery's HTTPS address. */
  readonly galleryUrl: string;

  constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    const apiPort = props.apiPort ?? 8080;
    const deregistration = Math.min(props.deregistrationDelaySeconds ?? 30, 60);
    this.network = new FleetNetwork(this, 'network', { namePrefix: props.namePrefix, region: props.region, ...props.network });
    this.artifacts = new SecureBucket(this, 'artifacts', {
      bucketName: props.artifactsBucketName,
      forceDestroy: props.forceDestroy ?? false,
      preventDestroy: false,
      // Artifacts are named by their hash and never overwritten; a replaced version is not needed.
      lifecycleRules: [{ id: 'clean-up', status: 'Enabled', filter: [{}], noncurrentVersionExpiration: [{ noncurrentDays: 1 }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }] }],
    });
    props.resources.storage.accessLogs.logBucket('artifacts_logging', this.artifacts.bucket, 'artifacts');
    this.logs = new SecureBucket(this, 'logs', {
      bucketName: props.logsBucketName,
      forceDestroy: props.forceDestroy ?? false,
      preventDestroy: props.preventDestroy ?? true,
      lifecycleRules: [{ id: 'expire-logs', status: 'Enabled', filter: [{}], expiration: [{ days: 90 }], noncurrentVersionExpiration: [{ noncurrentDays: 1 }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }] }],
    });
    this.logs.addToPolicy({
      Sid: 'LoadBalancerLogs',
      Effect: 'Allow',
      Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${this.logs.bucket.arn}/alb/AWSLogs/${props.accountId}/*`,
    });
    this.logs.addToPolicy({
      Sid: 'CloudFrontLogs',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${this.logs.bucket.arn}/cloudfront/*`,
      Condition: { StringEquals: { 'aws:SourceAccount': props.accountId, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    });

    const asset = new TerraformAsset(this, 'artifact_asset', { path: props.artifact.path });
    const key = `api/${props.artifact.sha256Hex}.zip`;
    const artifact = new S3Object(this, 'artifact', { bucket: this.artifacts.bucket.id, key, source: asset.path, sourceHash: props.artifact.sha256Hex });

    this.loadBalancer = new FleetLoadBalancer(this, 'load_balancer', {
      namePrefix: props.namePrefix,
      vpcId: this.network.vpcId,
      subnetIds: props.internetFacing ? this.network.publicSubnetIds : this.network.privateSubnetIds,
      targetPort: apiPort,
      logBucket: this.logs.bucket.bucket,
      deregistrationDelaySeconds: deregistration,
      deletionProtection: props.deletionProtection ?? true,
      ...(props.internetFacing ? { internetFacing: props.internetFacing } : {}),
    });
    const { resources } = props;
    this.apiLogs = new ApiLogs(this, 'api_logs', { logGroupName: props.logs.groupName, serviceName: props.api.serviceName, key: props.logs.key, ...(props.logs.retentionDays ? { retentionDays: props.logs.retentionDays } : {}) });
    const environment = writeRuntimeEnv('api', {
      ...props.api,
      rawBucket: resources.storage.rawBucket.bucket,
      processedBucket: resources.storage.processedBucket.bucket,
      jobsTable: resources.table.tableName,
      uploadsPrefix: resources.storage.uploadsPrefix,
      apiHost: '0.0.0.0',
      apiPort,
      shutdownGraceSeconds: Math.max(deregistration - 5, 1),
      reprocessQueueUrl: props.queues.url('reprocess'),
    });
    this.instances = new FleetInstances(this, 'instances', {
      namePrefix: props.namePrefix,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      targetGroupArn: this.loadBalancer.targetGroup.arn,
      userData: userDataScript({ region: props.region, artifactBucket: this.artifacts.bucket.bucket, artifactKey: key, artifactSha256Hex: props.artifact.sha256Hex, environment, stopTimeoutSeconds: deregistration, logGroupName: props.logs.groupName }),
      ...props.instances,
      launchAfter: [artifact],
    });
    grantAccess(this.instances.role, MANIFEST.api.access, { ...resources, queues: props.queues });
    this.instances.role.addToRolePolicy({ Sid: 'ReadApiArtifact', Effect: 'Allow', Action: 's3:GetObject', Resource: `${this.artifacts.bucket.arn}/${key}` });
    // The CloudWatch agent's calls: the group exists, so it creates its stream and puts events, nothing else.
    this.instances.role.grantWriteLogs(this.apiLogs.logGroup.arn);

    const alb = this.loadBalancer.securityGroup.id;
    const instances = this.instances.securityGroup.id;
    new VpcSecurityGroupIngressRule(this, 'instances_from_alb', { securityGroupId: instances, referencedSecurityGroupId: alb, ipProtocol: 'tcp', fromPort: apiPort, toPort: apiPort, description: 'The API, from the load balancer only' });
    new VpcSecurityGroupEgressRule(this, 'alb_to_instances', { securityGroupId: alb, referencedSecurityGroupId: instances, ipProtocol: 'tcp', fromPort: apiPort, toPort: apiPort, description: 'To the API instances only' });
    this.network.endpointPrefixListIds.forEach((prefixListId, index) => {
      new VpcSecurityGroupEgressRule(this, `instances_to_endpoint_${index}`, { securityGroupId: instances, prefixListId, ipProtocol: 'tcp', fromPort: HTTPS, toPort: HTTPS, description: 'S3 and DynamoDB through the gateway endpoints' });
    });
    this.interfaceEndpoints(props, instances);

    if (props.internetFacing) {
      this.entry = undefined;
      for (const [port, what] of [[HTTPS, 'HTTPS'], [HTTP, 'HTTP, redirected to HTTPS']] as const) {
        new VpcSecurityGroupIngressRule(this, `alb_from_internet_${port}`, { securityGroupId: alb, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: port, toPort: port, description: what });
      }
      this.galleryUrl = `https://${this.loadBalancer.loadBalancer.dnsName}`;
      return;
    }
    this.entry = new FleetEntry(this, 'entry', {
      namePrefix: props.namePrefix,
      loadBalancerArn: this.loadBalancer.loadBalancer.arn,
      loadBalancerDnsName: this.loadBalancer.loadBalancer.dnsName,
      logBucketArn: this.logs.bucket.arn,
      globalProvider: props.globalProvider,
      ...(props.wafRateLimit ? { rateLimit: props.wafRateLimit } : {}),
      ...(props.domain ? { domain: props.domain } : {}),
    });
    // CloudFront creates this group in the VPC with the VPC origin; only it may reach the load balancer.
    const originGroup = new DataAwsSecurityGroup(this, 'vpc_origin_group', {
      filter: [
        { name: 'group-name', values: [VPC_ORIGIN_SECURITY_GROUP] },
        { name: 'vpc-id', values: [this.network.vpcId] },
      ],
      dependsOn: [this.entry.vpcOrigin],
    });
    new VpcSecurityGroupIngressRule(this, 'alb_from_vpc_origin', { securityGroupId: alb, referencedSecurityGroupId: originGroup.id, ipProtocol: 'tcp', fromPort: HTTP, toPort: HTTP, description: 'From the CloudFront VPC origin only' });
    const entry = this.entry;
    this.galleryUrl = props.domain ? `https://${props.domain.name}` : Lazy.stringValue({ produce: () => entry.url });
  }

  /**
   * The instances' way to CloudWatch Logs and SQS: interface endpoints admitting only the instance
   * role's own calls, and, in a VPC of the user's, HTTPS out to its NAT for a service without one.
   */
  private interfaceEndpoints(props: FleetProps, instances: string): void {
    const services = props.interfaceEndpoints ?? [...INTERFACE_ENDPOINT_SERVICES];
    const throughNat = INTERFACE_ENDPOINT_SERVICES.filter((service) => !services.includes(service));
    if (props.network?.existing && throughNat.length > 0) {
      new VpcSecurityGroupEgressRule(this, 'instances_to_nat', { securityGroupId: instances, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: HTTPS, toPort: HTTPS, description: `${throughNat.join(' and ')} through the VPC’s own NAT` });
    }
    if (services.length === 0) return;
    const endpoints = this.network.addInterfaceEndpoints({
      services: Object.fromEntries(services.map((service) => [service, grantedThrough(this.instances.role, service)])),
      clientSecurityGroupId: instances,
      clientRoleArn: this.instances.role.arn,
    });
    new VpcSecurityGroupEgressRule(this, 'instances_to_interface_endpoints', { securityGroupId: instances, referencedSecurityGroupId: endpoints.securityGroup.id, ipProtocol: 'tcp', fromPort: HTTPS, toPort: HTTPS, description: `${services.join(' and ')} through the interface endpoints` });
  }
}

/**
 * What the instance role has been granted on `service` (the statements whose every action is the
 * service's): its endpoint admits exactly that, so the role's grants stay the one list.
 */
function grantedThrough(role: Pick<ServiceRole, 'policyStatements'>, service: InterfaceEndpointService): EndpointAccess {
  const list = (value: string | readonly string[]) => (typeof value === 'string' ? [value] : [...value]);
  const statements = role.policyStatements().filter((statement) => list(statement.Action).every((action) => action.startsWith(`${service}:`)));
  if (statements.length === 0) {
    throw new Error(`Expected the instance role to be granted ${service} calls before its ${service} endpoint is made, but it has no ${service} statement.`);
  }
  return {
    actions: [...new Set(statements.flatMap((statement) => list(statement.Action)))],
    resources: [...new Set(statements.flatMap((statement) => list(statement.Resource)))],
  };
}
