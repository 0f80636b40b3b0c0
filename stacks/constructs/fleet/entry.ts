/**
 * The fleet's front door, HTTPS only from a fresh clone: a CloudFront distribution (its
 * *.cloudfront.net certificate, or the configured domain and certificate with TLS 1.2 at least),
 * viewers on HTTPS only, a WAF web ACL (AWS managed rule groups and a per-IP rate rule) and access
 * logs, reaching the internal load balancer through a CloudFront VPC origin. Nothing is cached:
 * every answer is per token (the cache policy keys on Authorization with zero TTLs).
 */
import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import { CloudfrontCachePolicy } from '@cdktf/provider-aws/lib/cloudfront-cache-policy';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontVpcOrigin } from '@cdktf/provider-aws/lib/cloudfront-vpc-origin';
import { CloudwatchLogDelivery } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery';
import { CloudwatchLogDeliveryDestination } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination';
import { CloudwatchLogDeliverySource } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-source';
import { Wafv2WebAcl, type Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';

export interface FleetEntryProps {
  readonly namePrefix: string;
  readonly loadBalancerArn: string;
  readonly loadBalancerDnsName: string;
  /** Where access logs go (`<bucket ARN>/cloudfront`). */
  readonly logBucketArn: string;
  /** CloudFront's own resources (WAF for CloudFront, its log source) live in us-east-1. */
  readonly globalProvider: TerraformProvider;
  /** @default 2000 requests per IP in 5 minutes */
  readonly rateLimit?: number;
  /** @default the distribution's *.cloudfront.net address and certificate */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
}

/** AWS's managed origin request policy that forwards every viewer header but Host. */
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList'] as const;
export const VIEWER_TLS_POLICY = 'TLSv1.2_2021';

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

export class FleetEntry extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly vpcOrigin: CloudfrontVpcOrigin;
  readonly webAcl: Wafv2WebAcl;

  constructor(scope: Construct, id: string, props: FleetEntryProps) {
    super(scope, id);
    const managed: Wafv2WebAclRule[] = MANAGED_RULE_GROUPS.map((name, priority) => ({
      name,
      priority: priority + 1,
      overrideAction: { none: {} },
      // The provider types statements as any, so cdktf passes them on as written: Terraform's own names.
      statement: { managed_rule_group_statement: { vendor_name: 'AWS', name } },
      visibilityConfig: visibility(name),
    }));
    this.webAcl = new Wafv2WebAcl(this, 'web_acl', {
      provider: props.globalProvider,
      name: `${props.namePrefix}-api`,
      description: 'The gallery API: AWS managed rules and a per-IP rate limit',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rule: [
        {
          name: 'rate-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rate_based_statement: { limit: props.rateLimit ?? 2000, aggregate_key_type: 'IP' } },
          visibilityConfig: visibility('rate-per-ip'),
        },
        ...managed,
      ],
      visibilityConfig: visibility(`${props.namePrefix}-api`),
    });
    this.vpcOrigin = new CloudfrontVpcOrigin(this, 'vpc_origin', {
      vpcOriginEndpointConfig: [
        {
        name: `${props.namePrefix}-alb`,
        arn: props.loadBalancerArn,
        httpPort: 80,
        httpsPort: 443,
        originProtocolPolicy: 'http-only',
        originSslProtocols: [{ items: ['TLSv1.2'], quantity: 1 }],
        },
      ],
    });
    const noCache = new CloudfrontCachePolicy(this, 'no_cache', {
      name: `${props.namePrefix}-api-per-token`,
      comment: 'Nothing cached; Authorization reaches the API on every method',
      minTtl: 0,
      defaultTtl: 0,
      maxTtl: 1,
      parametersInCacheKeyAndForwardedToOrigin: {
        headersConfig: { headerBehavior: 'whitelist', headers: { items: ['Authorization'] } },
        cookiesConfig: { cookieBehavior: 'none' },
        queryStringsConfig: { queryStringBehavior: 'all' },
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      },
    });
    this.distribution = new CloudfrontDistribution(this, 'distribution', {
      enabled: true,
      comment: `${props.namePrefix} gallery and API`,
      httpVersion: 'http2and3',
      priceClass: 'PriceClass_100',
      webAclId: this.webAcl.arn,
      ...(props.domain ? { aliases: [props.domain.name] } : {}),
      origin: [{ originId: 'alb', domainName: props.loadBalancerDnsName, vpcOriginConfig: { vpcOriginId: this.vpcOrigin.id } }],
      defaultCacheBehavior: {
        targetOriginId: 'alb',
        viewerProtocolPolicy: 'https-only',
        allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
        cachedMethods: ['GET', 'HEAD'],
        cachePolicyId: noCache.id,
        originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
        compress: true,
      },
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: props.domain
        ? { acmCertificateArn: props.domain.certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: VIEWER_TLS_POLICY }
        : { cloudfrontDefaultCertificate: true },
    });
    // Standard logging (v2): delivered by CloudWatch Logs to the log bucket, no bucket ACLs needed.
    const source = new CloudwatchLogDeliverySource(this, 'log_source', {
      provider: props.globalProvider,
      name: `${props.namePrefix}-cloudfront`,
      logType: 'ACCESS_LOGS',
      resourceArn: this.distribution.arn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, 'log_destination', {
      provider: props.globalProvider,
      name: `${props.namePrefix}-cloudfront-s3`,
      outputFormat: 'parquet',
      deliveryDestinationConfiguration: [{ destinationResourceArn: `${props.logBucketArn}/cloudfront` }],
    });
    new CloudwatchLogDelivery(this, 'log_delivery', {
      provider: props.globalProvider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
    });
  }

  get url(): string {
    return `https://${this.distribution.domainName}`;
  }
}
