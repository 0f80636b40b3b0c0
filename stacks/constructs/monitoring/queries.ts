/**
 * Saved CloudWatch Logs Insights queries for the questions an operator asks first
 * (docs/operations.md says when to use which), each over the log groups that can answer it: the
 * pipeline's (functions, state machine, worker), the API's, or both.
 */
import { Construct } from 'constructs';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { JOB_SUCCEEDED_MESSAGE } from '../../../handlers/runtime/outcome-telemetry';

/** Which log groups a query reads. */
export type QueryScope = 'all' | 'pipeline' | 'api';

export const SAVED_QUERIES = {
  'why-did-job-fail': {
    scope: 'all',
    description: 'Everything logged about one job, in order, the API’s lines included: replace JOB_ID with the job id.',
    query: ['fields @timestamp, @log, level, code, message', 'filter @message like "JOB_ID"', 'sort @timestamp asc', 'limit 500'],
  },
  'slowest-jobs-today': {
    // Only the pipeline logs a job's outcome with its durations.
    scope: 'pipeline',
    description: 'The jobs that took longest from upload to outcome (set the time range to today), with the time in each phase.',
    query: [
      'fields @timestamp, jobId, upload, totalMs, phasesMs.RECEIVED, phasesMs.VALIDATING, phasesMs.PROCESSING, phasesMs.OPTIMIZING',
      `filter message = "${JOB_SUCCEEDED_MESSAGE}"`,
      'sort totalMs desc',
      'limit 50',
    ],
  },
  'errors-by-code': {
    scope: 'all',
    description: 'Errors the functions, the worker and the API raised, counted by code and by entrypoint (`function`; the API’s is `api`).',
    query: ['filter level = "ERROR"', 'stats count(*) as errors by code, function', 'sort errors desc'],
  },
  'api-errors-by-route': {
    scope: 'api',
    description: 'Requests the API failed (it answered 500 and logged the error), counted by method and path; start-up failures count under an empty path.',
    query: ['filter level = "ERROR"', 'stats count(*) as errors by method, url', 'sort errors desc'],
  },
} as const satisfies Record<string, { readonly scope: QueryScope; readonly description: string; readonly query: readonly string[] }>;

export interface SavedQueriesProps {
  readonly stackName: string;
  /** The pipeline's log groups: every function's, the state machine's, the worker's. */
  readonly logGroupNames: readonly string[];
  /** The API instances' log group. @default no API: its queries are not saved */
  readonly apiLogGroupName?: string;
}

export class SavedQueries extends Construct {
  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    const api = props.apiLogGroupName ? [props.apiLogGroupName] : [];
    const groups: Record<QueryScope, readonly string[]> = { pipeline: props.logGroupNames, api, all: [...props.logGroupNames, ...api] };
    for (const [name, { scope: reads, query }] of Object.entries(SAVED_QUERIES)) {
      if (groups[reads].length === 0) continue;
      new CloudwatchQueryDefinition(this, name.replace(/-/g, '_'), {
        name: `${props.stackName}/${name}`,
        logGroupNames: [...groups[reads]],
        queryString: query.join('\n| '),
      });
    }
  }
}
