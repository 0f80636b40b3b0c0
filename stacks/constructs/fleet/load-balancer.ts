/**
 * The fleet's Application Load Balancer: internal by default (CloudFront reaches it through a VPC
 * origin), or internet-facing with HTTPS (TLS 1.3/1.2) and an HTTP listener that only redirects.
 * Either way: invalid header fields dropped, the strictest desync mitigation, access logs, a
 * target group health-checked on /healthz with a short deregistration delay.
 */
import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';

export interface FleetLoadBalancerProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Private subnets for an internal one, public for an internet-facing one. */
  readonly subnetIds: readonly string[];
  readonly targetPort: number;
  readonly logBucket: string;
  /** @default 30 (at most 60) */
  readonly deregistrationDelaySeconds?: number;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** An internet-facing load balancer with this certificate on HTTPS. @default internal, HTTP from the VPC origin only */
  readonly internetFacing?: { readonly certificateArn: string };
}

/** TLS 1.3 and 1.2 only. */
export const ALB_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export class FleetLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: FleetLoadBalancerProps) {
    super(scope, id);
    const internetFacing = props.internetFacing;
    // Rules are added by the fleet: inbound from the entry only, outbound to the instances only.
    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: `${props.namePrefix}-alb`,
      description: 'The fleet load balancer: from its entry, to the API instances',
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    this.loadBalancer = new Lb(this, 'alb', {
      name: `${props.namePrefix}-api`.slice(0, 32),
      loadBalancerType: 'application',
      internal: !internetFacing,
      subnets: [...props.subnetIds],
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'strictest',
      enableDeletionProtection: props.deletionProtection ?? true,
      accessLogs: { bucket: props.logBucket, prefix: 'alb', enabled: true },
    });
    this.targetGroup = new LbTargetGroup(this, 'targets', {
      name: `${props.namePrefix}-api`.slice(0, 32),
      port: props.targetPort,
      protocol: 'HTTP',
      vpcId: props.vpcId,
      targetType: 'instance',
      deregistrationDelay: String(Math.min(props.deregistrationDelaySeconds ?? 30, 60)),
      healthCheck: { path: '/healthz', matcher: '200', interval: 15, healthyThreshold: 2, unhealthyThreshold: 3, timeout: 5 },
    });
    if (internetFacing) {
      new LbListener(this, 'https', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: ALB_TLS_POLICY,
        certificateArn: internetFacing.certificateArn,
        defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
      });
      new LbListener(this, 'http_redirect', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      });
    } else {
      // Plain HTTP inside the VPC: CloudFront terminates TLS and reaches it only through the VPC origin.
      new LbListener(this, 'http', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
      });
    }
  }
}
