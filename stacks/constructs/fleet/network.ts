/**
 * The fleet's network: an existing VPC and its subnets when given, else a new VPC over 2–3 zones
 * with a public subnet (the load balancer's, when internet-facing) and a private subnet (the
 * instances' and the internal load balancer's) in each. No NAT gateway: the instances reach S3 and
 * DynamoDB through gateway endpoints (S3's also serves the AL2023 package repositories, which are
 * S3 buckets), and CloudWatch Logs and SQS through interface endpoints (interface-endpoints.ts),
 * created in the private subnets of either VPC when asked for.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { DataAwsRouteTables } from '@cdktf/provider-aws/lib/data-aws-route-tables';
import { InterfaceEndpoints, type InterfaceEndpointsProps } from './interface-endpoints';

export interface FleetNetworkProps {
  readonly namePrefix: string;
  readonly region: string;
  /** An existing VPC; with it, its subnets. @default a new VPC */
  readonly existing?: { readonly vpcId: string; readonly publicSubnetIds: readonly string[]; readonly privateSubnetIds: readonly string[] };
  /** Zones of a new VPC. @default 2 */
  readonly availabilityZones?: number;
  /** CIDR block of a new VPC. @default 10.20.0.0/16 */
  readonly cidr?: string;
}

/** The `index`th /24 of a /16–/20 block (what Terraform's cidrsubnet gives), computed here so the plan shows the value. */
export function subnet24(cidr: string, index: number): string {
  const [address, length] = cidr.split('/') as [string, string];
  const size = 2 ** (24 - Number(length));
  if (index >= size) throw new Error(`Expected a subnet index below ${size} in ${cidr}, but received ${index}.`);
  const base = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0) & ~(2 ** (32 - Number(length)) - 1);
  const start = (base >>> 0) + index * 256;
  return `${[24, 16, 8, 0].map((shift) => (start >>> shift) & 255).join('.')}/24`;
}

export class FleetNetwork extends Construct {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /** The S3 and DynamoDB prefix lists: the instances' egress to the gateway endpoints. */
  readonly endpointPrefixListIds: string[];
  private readonly place: Pick<InterfaceEndpointsProps, 'namePrefix' | 'region'>;

  constructor(scope: Construct, id: string, props: FleetNetworkProps) {
    super(scope, id);
    this.place = { namePrefix: props.namePrefix, region: props.region };
    if (props.existing) {
      this.vpcId = props.existing.vpcId;
      this.publicSubnetIds = [...props.existing.publicSubnetIds];
      this.privateSubnetIds = [...props.existing.privateSubnetIds];
      const tables = new DataAwsRouteTables(this, 'route_tables', { vpcId: this.vpcId });
      this.endpointPrefixListIds = this.gatewayEndpoints(props, tables.ids);
      return;
    }
    const cidr = props.cidr ?? '10.20.0.0/16';
    const vpc = new Vpc(this, 'vpc', { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${props.namePrefix}-fleet` } });
    this.vpcId = vpc.id;
    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });
    const gateway = new InternetGateway(this, 'internet_gateway', { vpcId: vpc.id, tags: { Name: `${props.namePrefix}-fleet` } });
    const publicRoutes = new RouteTable(this, 'public_routes', { vpcId: vpc.id, route: [{ cidrBlock: '0.0.0.0/0', gatewayId: gateway.id }], tags: { Name: `${props.namePrefix}-public` } });
    const privateRoutes = new RouteTable(this, 'private_routes', { vpcId: vpc.id, tags: { Name: `${props.namePrefix}-private` } });
    this.publicSubnetIds = [];
    this.privateSubnetIds = [];
    // Public subnets from the block's first /24, private ones from its second half.
    const privateOffset = 2 ** (24 - Number(cidr.split('/')[1])) / 2;
    for (let zone = 0; zone < (props.availabilityZones ?? 2); zone++) {
      const availabilityZone = Fn.element(zones.names, zone);
      const publicSubnet = new Subnet(this, `public_${zone}`, {
        vpcId: vpc.id,
        availabilityZone,
        cidrBlock: subnet24(cidr, zone),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.namePrefix}-public-${zone}` },
      });
      const privateSubnet = new Subnet(this, `private_${zone}`, {
        vpcId: vpc.id,
        availabilityZone,
        cidrBlock: subnet24(cidr, privateOffset + zone),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.namePrefix}-private-${zone}` },
      });
      new RouteTableAssociation(this, `public_${zone}_routes`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id });
      new RouteTableAssociation(this, `private_${zone}_routes`, { subnetId: privateSubnet.id, routeTableId: privateRoutes.id });
      this.publicSubnetIds.push(publicSubnet.id);
      this.privateSubnetIds.push(privateSubnet.id);
    }
    this.endpointPrefixListIds = this.gatewayEndpoints(props, [privateRoutes.id]);
  }

  /** Interface endpoints in the private subnets, one network interface in each zone. */
  addInterfaceEndpoints(props: Omit<InterfaceEndpointsProps, 'namePrefix' | 'region' | 'vpcId' | 'subnetIds'>): InterfaceEndpoints {
    return new InterfaceEndpoints(this, 'endpoints', { ...this.place, vpcId: this.vpcId, subnetIds: this.privateSubnetIds, ...props });
  }

  private gatewayEndpoints(props: FleetNetworkProps, routeTableIds: string[]): string[] {
    return (['s3', 'dynamodb'] as const).map(
      (service) =>
        new VpcEndpoint(this, `${service}_endpoint`, {
          vpcId: this.vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: 'Gateway',
          routeTableIds,
          tags: { Name: `${props.namePrefix}-${service}` },
        }).prefixListId,
    );
  }
}
