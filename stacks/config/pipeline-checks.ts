/**
 * Rules across the pipeline's settings: what Lambda and Step Functions would refuse at deploy time,
 * or what would fail jobs later, said before a plan — with the numbers that do not fit.
 */
import { PIPELINE_DEFINITION, pipelineDefinition } from '../../asl/definition';
import { longestRunSeconds } from '../../asl/durations';
import { executionTimeoutSeconds } from '../../asl/render';
import { FUNCTIONS, TASK_ENTRYPOINTS, type FunctionName } from '../../handlers/runtime/manifest';
import { LAMBDA_THROTTLING_ERRORS } from '../../handlers/workflow/failure';
import { reservedConcurrencySettingName, timeoutSettingName, type FunctionSettingName } from './functions';
import { stackNameFor } from './names';
import { workerRouteOf } from './worker';
import { isProd } from './shapes';

/** Lambda keeps this much of an account's concurrency unreserved. */
const MIN_UNRESERVED_CONCURRENCY = 100;

type PipelineSettings = Readonly<Record<FunctionSettingName, number>> & {
  readonly workflowType: 'STANDARD' | 'EXPRESS';
  readonly workflowLogLevel: string;
  readonly lambdaAccountConcurrency: number;
} & Parameters<typeof workerRouteOf>[0];

const THROTTLING: ReadonlySet<string> = new Set(LAMBDA_THROTTLING_ERRORS);

export function checkPipeline(stage: string, settings: PipelineSettings): string[] {
  const stack = stackNameFor(stage);
  const problems: string[] = [];
  if (isProd(stage) && settings.workflowLogLevel === 'OFF') {
    problems.push(`${stack}: expected workflowLogLevel to be ERROR, FATAL or ALL in prod (a failed execution must leave a trace), but received OFF.`);
  }

  const route = workerRouteOf(settings);
  const machine = pipelineDefinition((entrypoint) => entrypoint, route && { ...route, queueUrl: 'heavy' });
  const taskSeconds = (resource: string) => settings[timeoutSettingName(resource as FunctionName)];
  const limit = executionTimeoutSeconds(settings.workflowType);
  const once = longestRunSeconds(machine, { taskSeconds, withRetries: false });
  if (once > limit) {
    problems.push(
      `${stack}: expected the step timeouts along the workflow's longest path (${pathTimeouts(settings)}) to add up to at most the ${limit} s ${settings.workflowType === 'EXPRESS' ? 'an' : 'a'} ${settings.workflowType} execution may run, but they add up to ${once} s: lower them${settings.workflowType === 'EXPRESS' ? ' or use workflowType STANDARD' : ''}.`,
    );
  } else if (settings.workflowType === 'STANDARD') {
    // Express executions cannot be given their retries' worst case within 5 minutes; what runs out of time there is reconciled.
    const retried = longestRunSeconds(machine, { taskSeconds, withRetries: true, retryRuns: (errors) => !errors.every((error) => THROTTLING.has(error)) });
    if (retried >= PIPELINE_DEFINITION.TimeoutSeconds) {
      problems.push(
        `${stack}: expected the step timeouts times their attempts along the workflow's longest path to stay under the execution's ${PIPELINE_DEFINITION.TimeoutSeconds} s, but they reach ${retried} s: lower the step timeouts (${pathTimeouts(settings)}).`,
      );
    }
  }

  const reserved = FUNCTIONS.reduce((sum, name) => sum + settings[reservedConcurrencySettingName(name)], 0);
  if (reserved > settings.lambdaAccountConcurrency - MIN_UNRESERVED_CONCURRENCY) {
    problems.push(
      `${stack}: expected the functions' reserved concurrency to leave at least ${MIN_UNRESERVED_CONCURRENCY} of lambdaAccountConcurrency (${settings.lambdaAccountConcurrency}) unreserved, as Lambda requires, but it reserves ${reserved}: lower the *ReservedConcurrency settings or set lambdaAccountConcurrency to the account's quota.`,
    );
  }
  return problems;
}

function pathTimeouts(settings: PipelineSettings): string {
  const worker = settings.workflowType === 'STANDARD' ? [`workerTaskTimeoutSeconds ${settings.workerTaskTimeoutSeconds}`] : [];
  return [...TASK_ENTRYPOINTS.map((name) => `${timeoutSettingName(name)} ${settings[timeoutSettingName(name)]}`), ...worker].join(', ');
}
