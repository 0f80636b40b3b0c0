/**
 * Interface VPC endpoints for the AWS services the instances call besides S3 and DynamoDB, in the
 * private subnets with private DNS (so the SDKs and the CloudWatch agent reach them under the
 * services' usual names), behind a security group that admits HTTPS only from the instances.
 * Each endpoint's policy admits only the calls the fleet makes, on its own resources, by its role.
 */
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { policyDocument } from '../shared/iam';

/** What one endpoint lets through: these actions on these resources. */
export interface EndpointAccess {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

export interface InterfaceEndpointsProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpcId: string;
  /** One endpoint network interface in each (one per zone). */
  readonly subnetIds: readonly string[];
  /** The services (`logs`, `sqs`) and what each endpoint admits. */
  readonly services: Readonly<Record<string, EndpointAccess>>;
  /** The only callers: the security group allowed in, and the role whose calls the policies admit. */
  readonly clientSecurityGroupId: string;
  readonly clientRoleArn: string;
}

const HTTPS = 443;

export class InterfaceEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly endpoints: Readonly<Record<string, VpcEndpoint>>;

  constructor(scope: Construct, id: string, props: InterfaceEndpointsProps) {
    super(scope, id);
    // No egress rule: an endpoint only answers.
    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: `${props.namePrefix}-api-endpoints`,
      description: 'Interface endpoints of the API fleet: HTTPS from the API instances only',
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    new VpcSecurityGroupIngressRule(this, 'from_instances', {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: props.clientSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: HTTPS,
      toPort: HTTPS,
      description: 'HTTPS from the API instances only',
    });
    for (const [service, access] of Object.entries(props.services)) {
      if (access.actions.length === 0 || access.resources.length === 0) {
        throw new Error(`Expected the ${service} endpoint's policy to admit some actions on some resources, but it names ${access.actions.length} actions and ${access.resources.length} resources.`);
      }
    }
    this.endpoints = Object.fromEntries(
      Object.entries(props.services).map(([service, access]) => [
        service,
        new VpcEndpoint(this, service, {
          vpcId: props.vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: [...props.subnetIds],
          securityGroupIds: [this.securityGroup.id],
          policy: policyDocument([
            {
              Sid: 'OnlyTheFleetsCallsOnItsOwnResources',
              Effect: 'Allow',
              Principal: '*',
              Action: access.actions,
              Resource: access.resources,
              Condition: { ArnEquals: { 'aws:PrincipalArn': props.clientRoleArn } },
            },
          ]),
          tags: { Name: `${props.namePrefix}-${service}` },
        }),
      ]),
    );
  }
}
