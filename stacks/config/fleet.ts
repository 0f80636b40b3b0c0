/**
 * Settings of the API fleet: its network (an existing VPC or a new one), its instances and their
 * scaling, and its entry (CloudFront in front of an internal load balancer by default).
 */
import { choice, flag, integer, list, optional, text } from './kinds';
import type { Settings } from './settings';
import { stackNameFor } from './names';
import { isProd } from './shapes';

const ARM_INSTANCE_TYPE = { pattern: /^[a-z][a-z0-9]*g[a-z]*\.[a-z0-9]+$/, expected: 'a Graviton (arm64) instance type such as t4g.small or m7g.medium' };
const SUBNET_ID = { pattern: /^subnet-[0-9a-f]{8,17}$/, expected: 'a subnet id such as subnet-0123456789abcdef0' };

/** The AWS services the instances reach through interface endpoints: CloudWatch Logs (their log agent) and SQS (the API's reprocess route). */
export const INTERFACE_ENDPOINT_SERVICES = ['logs', 'sqs'] as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

export const FLEET_SETTINGS = {
  fleetVpcId: optional(
    text({ description: 'An existing VPC for the fleet; with it, fleetPublicSubnetIds and fleetPrivateSubnetIds. Unset: the stack creates a VPC.', default: '', pattern: /^vpc-[0-9a-f]{8,17}$/, expected: 'a VPC id such as vpc-0123456789abcdef0' }),
  ),
  fleetPublicSubnetIds: list(text({ description: '', default: '', ...SUBNET_ID }), { description: 'Public subnets of fleetVpcId (an internet-facing load balancer uses them).', default: [] }),
  fleetPrivateSubnetIds: list(text({ description: '', default: '', ...SUBNET_ID }), { description: 'Private subnets of fleetVpcId for the instances and the internal load balancer, in 2 or more AZs.', default: [] }),
  fleetAvailabilityZones: integer({ description: 'Availability zones the created VPC spans (one public and one private subnet in each).', default: 2, min: 2, max: 3, unit: 'zones' }),
  fleetVpcCidr: text({ description: 'CIDR block of the created VPC (a /16 to /20; subnets are /24 within it).', default: '10.20.0.0/16', pattern: /^\d{1,3}(?:\.\d{1,3}){3}\/(?:1[6-9]|20)$/, expected: 'an IPv4 CIDR block of size /16 to /20' }),
  fleetInterfaceEndpoints: list(choice(INTERFACE_ENDPOINT_SERVICES, { description: '', default: 'logs' }), {
    description:
      'AWS services the instances reach through interface VPC endpoints (private DNS, HTTPS from the instances only), created in the fleet’s private subnets, also in a given fleetVpcId. A created VPC has no NAT and needs both; empty ([]) for a VPC of your own whose NAT or endpoints already reach them.',
    default: [...INTERFACE_ENDPOINT_SERVICES],
  }),
  fleetInstanceTypes: list(text({ description: '', default: '', ...ARM_INSTANCE_TYPE }), {
    description: 'Instance types the Auto Scaling group may launch (at least 3 arm64 types, so Spot capacity can be found).',
    default: ['t4g.small', 'm7g.medium', 'c7g.medium', 'm6g.medium'],
  }),
  fleetOnDemandBaseCapacity: integer({ description: 'Instances that are always On-Demand (capacity that survives when Spot is unavailable).', default: 1, min: 1, max: 100, unit: 'instances' }),
  fleetOnDemandPercentageAboveBase: integer({ description: 'Share of the instances above the base that are On-Demand; the rest are Spot.', default: 0, min: 0, max: 100, unit: 'percent' }),
  fleetMinSize: integer({ description: 'Fewest instances.', default: 1, min: 1, max: 100, unit: 'instances' }),
  fleetMaxSize: integer({ description: 'Most instances.', default: 4, min: 1, max: 100, unit: 'instances' }),
  fleetDesiredCapacity: integer({ description: 'Instances at creation; autoscaling owns the number afterwards (Terraform ignores later changes).', default: 1, min: 1, max: 100, unit: 'instances' }),
  fleetTargetCpuPercent: integer({ description: 'Average CPU the target tracking policy holds the group at.', default: 75, min: 10, max: 95, unit: 'percent' }),
  fleetHealthCheckGraceSeconds: integer({ description: 'Time a new instance has to pass the load balancer health check before it is replaced.', default: 180, min: 30, max: 900, unit: 'seconds' }),
  fleetDeregistrationDelaySeconds: integer({ description: 'Time the load balancer lets requests in flight finish on an instance leaving it (the API drains within this).', default: 30, min: 5, max: 60, unit: 'seconds' }),
  fleetTerminationDrainSeconds: integer({ description: 'The termination lifecycle hook: how long a terminating instance drains before it goes.', default: 90, min: 30, max: 120, unit: 'seconds' }),
  fleetRootVolumeGb: integer({ description: 'Size of each instance’s encrypted gp3 root volume.', default: 8, min: 8, max: 100, unit: 'GB' }),
  fleetApiPort: integer({ description: 'Port the API listens on, on the instances (the load balancer’s target port).', default: 8080, min: 1024, max: 65535, unit: 'port' }),
  fleetSessionManager: flag({ description: 'Lets Session Manager reach the instances (AmazonSSMManagedInstanceCore on the instance role; with a created VPC, its interface endpoints are needed too and are not created). No SSH key either way.', default: false }),
  fleetInternetFacingAlb: flag({ description: 'An internet-facing load balancer (HTTPS with fleetAlbCertificateArn, HTTP only redirecting) instead of CloudFront in front of an internal one.', default: false }),
  fleetAlbCertificateArn: optional(text({ description: 'ACM certificate of the internet-facing load balancer (required with fleetInternetFacingAlb).', default: '', pattern: /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, expected: 'an ACM certificate ARN' })),
  fleetDomainName: optional(text({ description: 'A domain for the gallery (with fleetCertificateArn, an ACM certificate in us-east-1 for CloudFront). Unset: the distribution’s *.cloudfront.net address.', default: '', pattern: /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, expected: 'a lowercase domain name such as images.example.com' })),
  fleetCertificateArn: optional(text({ description: 'ACM certificate (in us-east-1) for fleetDomainName on the distribution.', default: '', pattern: /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/, expected: 'an ACM certificate ARN in us-east-1' })),
  fleetWafRateLimit: integer({ description: 'Requests one IP address may send in 5 minutes before the web ACL blocks it.', default: 2000, min: 100, max: 2_000_000_000, unit: 'requests' }),
  fleetLoadBalancerDeletionProtection: flag({ description: 'Deletion protection on the load balancer.', default: isProd }),
  fleetApiRateLimitPerMinute: integer({ description: 'Requests one API token may send a minute before the API answers 429 with Retry-After.', default: 600, min: 1, max: 1_000_000, unit: 'requests' }),
  fleetUploadUrlSeconds: integer({ description: 'How long a presigned upload the API hands out stays valid.', default: 300, min: 60, max: 3600, unit: 'seconds' }),
  fleetDownloadUrlSeconds: integer({ description: 'How long a presigned download of an output the API hands out stays valid.', default: 300, min: 60, max: 3600, unit: 'seconds' }),
  fleetTokenCacheSeconds: integer({ description: 'How long an API instance trusts a token it looked up: a revoked token is refused at most this much later.', default: 10, min: 0, max: 300, unit: 'seconds' }),
} as const;

export function checkFleet(stage: string, settings: Settings): string[] {
  const found: string[] = [];
  if (settings.fleetInstanceTypes.length < 3) found.push(`expected fleetInstanceTypes to name at least 3 arm64 instance types, but it names ${settings.fleetInstanceTypes.length}.`);
  if (settings.fleetMinSize > settings.fleetMaxSize) found.push(`expected fleetMinSize (${settings.fleetMinSize}) to be at most fleetMaxSize (${settings.fleetMaxSize}).`);
  if (settings.fleetDesiredCapacity < settings.fleetMinSize || settings.fleetDesiredCapacity > settings.fleetMaxSize) {
    found.push(`expected fleetDesiredCapacity (${settings.fleetDesiredCapacity}) to be from fleetMinSize (${settings.fleetMinSize}) to fleetMaxSize (${settings.fleetMaxSize}).`);
  }
  if (settings.fleetOnDemandBaseCapacity > settings.fleetMaxSize) found.push(`expected fleetOnDemandBaseCapacity (${settings.fleetOnDemandBaseCapacity}) to be at most fleetMaxSize (${settings.fleetMaxSize}).`);
  if (settings.fleetVpcId && settings.fleetPrivateSubnetIds.length < 2) found.push('expected fleetPrivateSubnetIds to name at least 2 subnets of fleetVpcId, but it names fewer.');
  if (!settings.fleetVpcId && (settings.fleetPrivateSubnetIds.length > 0 || settings.fleetPublicSubnetIds.length > 0)) found.push('expected fleetVpcId with fleetPublicSubnetIds and fleetPrivateSubnetIds, but the subnets are set without it.');
  if (settings.fleetInternetFacingAlb && !settings.fleetAlbCertificateArn) found.push('expected fleetAlbCertificateArn with fleetInternetFacingAlb (its HTTPS listener needs it), but it is unset.');
  if (settings.fleetInternetFacingAlb && settings.fleetVpcId && settings.fleetPublicSubnetIds.length < 2) found.push('expected fleetPublicSubnetIds to name at least 2 subnets for the internet-facing load balancer, but it names fewer.');
  if (new Set(settings.fleetInterfaceEndpoints).size !== settings.fleetInterfaceEndpoints.length) found.push(`expected fleetInterfaceEndpoints to name each service once, but it names ${settings.fleetInterfaceEndpoints.join(', ')}.`);
  const unreachable = INTERFACE_ENDPOINT_SERVICES.filter((service) => !settings.fleetInterfaceEndpoints.includes(service));
  if (!settings.fleetVpcId && unreachable.length > 0) {
    found.push(`expected fleetInterfaceEndpoints to include ${unreachable.join(' and ')} with the VPC the stack creates (it has no NAT: the endpoints are the instances’ only way to CloudWatch Logs and SQS), but it lacks them.`);
  }
  if (Boolean(settings.fleetDomainName) !== Boolean(settings.fleetCertificateArn)) found.push('expected fleetDomainName and fleetCertificateArn together, but only one is set.');
  return found.map((problem) => `${stackNameFor(stage)}: ${problem}`);
}
