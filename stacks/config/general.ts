/** Settings that concern the whole stage: where it is deployed, how its data is protected, its tags. */
import { flag, list, stringMap, text } from './kinds';
import { isProd, REGION } from './shapes';

export const GENERAL_SETTINGS = {
  region: text({
    description: 'AWS region every resource of the stage is created in.',
    default: 'us-east-1',
    ...REGION,
  }),
  allowedAccountIds: list(
    text({ description: '', default: '', pattern: /^\d{12}$/, expected: 'a 12-digit AWS account id' }),
    {
      description: 'When set, the AWS provider refuses credentials of any other account (a guard against deploying prod into the wrong account).',
      default: [],
    },
  ),
  protectData: flag({
    description: 'Protects stored data from `destroy`: Terraform’s `prevent_destroy` on the buckets, the table and the stack key, DynamoDB deletion protection on, buckets not force-destroyed, 30-day KMS key deletion window.',
    default: isProd,
  }),
  tags: stringMap({
    description: 'Extra tags on every resource (the provider adds Project, Stage and ManagedBy itself).',
    default: {},
  }),
} as const;
