/**
 * The API's instances: a launch template (AL2023 arm64 from the public SSM parameter, IMDSv2 only
 * with hop limit 1, an encrypted gp3 root volume, no public IP, no SSH key) and a mixed-instances
 * Auto Scaling group (On-Demand base, Spot above it, price-capacity-optimized over several arm64
 * types, capacity rebalance, instance refresh at 90% healthy when the template changes, ELB health
 * checks, a termination hook to drain, desired capacity left to autoscaling) that target tracking
 * holds at an average CPU.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ServiceRole } from '../shared/role';

export interface FleetInstancesProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly targetGroupArn: string;
  readonly userData: string;
  /** ≥ 3 arm64 types. @default t4g.small, m7g.medium, c7g.medium, m6g.medium */
  readonly instanceTypes?: readonly string[];
  /** @default 1 */
  readonly onDemandBaseCapacity?: number;
  /** @default 0: all Spot above the base */
  readonly onDemandPercentageAboveBase?: number;
  /** @default 1 */ readonly minSize?: number;
  /** @default 4 */ readonly maxSize?: number;
  /** At creation only. @default minSize */ readonly desiredCapacity?: number;
  /** @default 75 */ readonly targetCpuPercent?: number;
  /** @default 180 */ readonly healthCheckGraceSeconds?: number;
  /** The termination lifecycle hook. @default 90 (at most 120) */ readonly drainSeconds?: number;
  /** @default 8 */ readonly rootVolumeGb?: number;
  /** Attach AmazonSSMManagedInstanceCore for Session Manager. @default false */
  readonly sessionManager?: boolean;
}

/** AL2023's latest arm64 AMI, as AWS publishes it. */
export const AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';
const DEFAULT_TYPES = ['t4g.small', 'm7g.medium', 'c7g.medium', 'm6g.medium'];

export class FleetInstances extends Construct {
  readonly role: ServiceRole;
  readonly securityGroup: SecurityGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly group: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: FleetInstancesProps) {
    super(scope, id);
    this.role = new ServiceRole(this, { name: `${props.namePrefix}-api`, description: 'The API instances: exactly what the api manifest entry declares', service: 'ec2.amazonaws.com' });
    if (props.sessionManager) {
      new IamRolePolicyAttachment(this, 'session_manager', { role: this.role.role.name, policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' });
    }
    const profile = new IamInstanceProfile(this, 'profile', { name: `${props.namePrefix}-api`, role: this.role.role.name });
    this.securityGroup = new SecurityGroup(this, 'security_group', {
      name: `${props.namePrefix}-api-instances`,
      description: 'The API instances: from the load balancer on the app port, to S3 and DynamoDB',
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    const ami = new DataAwsSsmParameter(this, 'ami', { name: AMI_PARAMETER });
    const tags = { Name: `${props.namePrefix}-api` };
    this.launchTemplate = new LaunchTemplate(this, 'launch_template', {
      name: `${props.namePrefix}-api`,
      imageId: ami.insecureValue,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      networkInterfaces: [{ associatePublicIpAddress: 'false', deleteOnTermination: 'true', securityGroups: [this.securityGroup.id] }],
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3', volumeSize: props.rootVolumeGb ?? 8, encrypted: 'true', deleteOnTermination: 'true' } }],
      monitoring: { enabled: true },
      userData: Fn.base64encode(props.userData),
      tagSpecifications: [
        { resourceType: 'instance', tags },
        { resourceType: 'volume', tags },
      ],
    });
    const minSize = props.minSize ?? 1;
    this.group = new AutoscalingGroup(this, 'group', {
      name: `${props.namePrefix}-api`,
      minSize,
      maxSize: props.maxSize ?? 4,
      desiredCapacity: props.desiredCapacity ?? minSize,
      vpcZoneIdentifier: [...props.subnetIds],
      targetGroupArns: [props.targetGroupArn],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: props.healthCheckGraceSeconds ?? 180,
      capacityRebalance: true,
      defaultInstanceWarmup: 120,
      mixedInstancesPolicy: {
        instancesDistribution: {
          onDemandBaseCapacity: props.onDemandBaseCapacity ?? 1,
          onDemandPercentageAboveBaseCapacity: props.onDemandPercentageAboveBase ?? 0,
          spotAllocationStrategy: 'price-capacity-optimized',
          onDemandAllocationStrategy: 'lowest-price',
        },
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
          override: (props.instanceTypes ?? DEFAULT_TYPES).map((instanceType) => ({ instanceType })),
        },
      },
      instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: 90 } },
      initialLifecycleHook: [
        {
          name: 'drain',
          lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          heartbeatTimeout: Math.min(props.drainSeconds ?? 90, 120),
          defaultResult: 'CONTINUE',
        },
      ],
      tag: [
        { key: 'Name', value: tags.Name, propagateAtLaunch: true },
        { key: 'Component', value: 'api', propagateAtLaunch: true },
      ],
      // Autoscaling owns the instance count after creation.
      lifecycle: { ignoreChanges: ['desired_capacity'] },
    });
    new AutoscalingPolicy(this, 'cpu_target', {
      name: `${props.namePrefix}-api-cpu`,
      autoscalingGroupName: this.group.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' }, targetValue: props.targetCpuPercent ?? 75 },
    });
  }
}
