/**
 * The worker's network: a VPC with one public subnet per zone and an internet gateway, no NAT
 * gateway. Each task gets a public address for its outbound HTTPS calls (SQS, S3, DynamoDB, Step
 * Functions, ECR, CloudWatch Logs); its security group admits nothing inbound.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

export interface WorkerNetworkProps {
  readonly namePrefix: string;
  /** A /16 block; subnet `n` is its `n`th /24. @default 10.30.0.0/16 */
  readonly cidr?: string;
  /** @default 2 */
  readonly availabilityZones?: number;
}

export class WorkerNetwork extends Construct {
  readonly vpcId: string;
  readonly subnetIds: string[];

  constructor(scope: Construct, id: string, props: WorkerNetworkProps) {
    super(scope, id);
    const cidr = props.cidr ?? '10.30.0.0/16';
    const match = /^(\d+)\.(\d+)\.0\.0\/16$/.exec(cidr);
    if (!match) throw new Error(`Expected the worker network's CIDR to be a /16 block such as 10.30.0.0/16, but received ${cidr}.`);
    const vpc = new Vpc(this, 'vpc', { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: props.namePrefix } });
    this.vpcId = vpc.id;
    const gateway = new InternetGateway(this, 'internet_gateway', { vpcId: vpc.id, tags: { Name: props.namePrefix } });
    const routes = new RouteTable(this, 'routes', { vpcId: vpc.id, route: [{ cidrBlock: '0.0.0.0/0', gatewayId: gateway.id }], tags: { Name: props.namePrefix } });
    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });
    this.subnetIds = [];
    for (let zone = 0; zone < (props.availabilityZones ?? 2); zone++) {
      const subnet = new Subnet(this, `public_${zone}`, {
        vpcId: vpc.id,
        availabilityZone: Fn.element(zones.names, zone),
        cidrBlock: `${match[1]}.${match[2]}.${zone}.0/24`,
        // Addresses are asked for per task (assignPublicIp), not handed to everything launched here.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.namePrefix}-public-${zone}` },
      });
      new RouteTableAssociation(this, `public_${zone}_routes`, { subnetId: subnet.id, routeTableId: routes.id });
      this.subnetIds.push(subnet.id);
    }
  }
}
