/**
 * Saved CloudWatch Logs Insights queries over every log group of the stage, for the questions an
 * operator asks first (docs/operations.md says when to use which).
 */
import { Construct } from 'constructs';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { JOB_SUCCEEDED_MESSAGE } from '../../../handlers/runtime/outcome-telemetry';

export const SAVED_QUERIES = {
  'why-did-job-fail': {
    description: 'Everything logged about one job, in order: replace JOB_ID with the job id.',
    query: ['fields @timestamp, @log, level, code, message', 'filter @message like "JOB_ID"', 'sort @timestamp asc', 'limit 500'],
  },
  'slowest-jobs-today': {
    description: 'The jobs that took longest from upload to outcome (set the time range to today), with the time in each phase.',
    query: [
      'fields @timestamp, jobId, upload, totalMs, phasesMs.RECEIVED, phasesMs.VALIDATING, phasesMs.PROCESSING, phasesMs.OPTIMIZING',
      `filter message = "${JOB_SUCCEEDED_MESSAGE}"`,
      'sort totalMs desc',
      'limit 50',
    ],
  },
  'errors-by-code': {
    description: 'Errors the functions raised, counted by code and function.',
    query: ['filter level = "ERROR"', 'stats count(*) as errors by code, function', 'sort errors desc'],
  },
} as const;

export class SavedQueries extends Construct {
  constructor(scope: Construct, id: string, props: { readonly stackName: string; readonly logGroupNames: readonly string[] }) {
    super(scope, id);
    for (const [name, { query }] of Object.entries(SAVED_QUERIES)) {
      new CloudwatchQueryDefinition(this, name.replace(/-/g, '_'), {
        name: `${props.stackName}/${name}`,
        logGroupNames: [...props.logGroupNames],
        queryString: query.join('\n| '),
      });
    }
  }
}
