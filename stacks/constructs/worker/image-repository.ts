/**
 * The ECR repository the worker's container image is pushed to (by CI, from the repository's
 * Dockerfile): tags cannot be overwritten, every push is scanned, images are encrypted with KMS,
 * and untagged images beyond the last few are expired. The task definition refers to an image by
 * its digest, never by a tag.
 */
import { Construct } from 'constructs';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import type { Grantable } from '../shared/iam';

export interface WorkerImageRepositoryProps {
  readonly name: string;
  /** Encrypts the images with this KMS key. @default the AWS-managed `aws/ecr` key (KMS either way) */
  readonly kmsKeyArn?: string;
  /** Untagged images kept; older ones expire. @default 10 */
  readonly untaggedImagesKept?: number;
  /** Lets `destroy` delete a repository that still holds images. @default false */
  readonly forceDelete?: boolean;
}

export class WorkerImageRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: WorkerImageRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, 'repository', {
      name: props.name,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'KMS', ...(props.kmsKeyArn ? { kmsKey: props.kmsKeyArn } : {}) }],
      forceDelete: props.forceDelete ?? false,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${props.untaggedImagesKept ?? 10} untagged images`,
            selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: props.untaggedImagesKept ?? 10 },
            action: { type: 'expire' },
          },
        ],
      }),
    });
  }

  /** `<registry>/<name>@<digest>`: the one image a task definition runs. */
  imageByDigest(digest: string): string {
    return `${this.repository.repositoryUrl}@${digest}`;
  }

  /** Pulls images (a task execution role): the registry token is account-wide, the layers this repository's. */
  grantPull(grantee: Grantable): void {
    grantee.addToRolePolicy({ Sid: 'GetRegistryToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' });
    grantee.addToRolePolicy({
      Sid: 'PullWorkerImage',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: this.repository.arn,
    });
  }
}
