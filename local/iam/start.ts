/**
 * Turns the IAM check on for the SDK clients of the functions, the in-process worker and the API: loads the local stage's stack model
 * (synthesized, or cached), builds the enforcement with any --policy replacements, and decorates
 * every client the handlers build from now on. A replacement that does not resolve or is not a
 * valid policy is the user's mistake.
 */
import { decorateAwsClients } from '../../handlers/adapters/clients';
import { FUNCTIONS, type EntrypointName, type FunctionName, type WorkerEntrypointName } from '../../handlers/runtime/manifest';
import { LOCAL_REGION } from '../emulators';
import { LOCAL_ACCOUNT_ID, type LocalFunction } from '../lambda-context';
import { LocalSystemError } from '../local-system-error';
import { apiInstanceProfile, localStageConfig, workerTaskFamily } from '../resources';
import { UserError } from '../user-error';
import { loadStackModel } from './cache';
import { GivenPolicyError, IamEnforcement } from './enforcement';

export interface IamOptions {
  readonly stage?: string;
  readonly functions: Readonly<Record<FunctionName, LocalFunction>>;
  /** Entrypoint → a policy document replacing its synthesized policy (iam/policy-option.ts checks the names). */
  readonly policies?: Readonly<Partial<Record<string, unknown>>>;
  /** Done to each of those clients too, after the check is added (the runner's local-only transfer settings). */
  readonly decorate?: (client: Parameters<IamEnforcement['install']>[0]) => void;
}

/** @throws UserError for a replacement policy that cannot be used */
export async function startIamEnforcement(options: IamOptions): Promise<{ readonly enforcement: IamEnforcement; stop(): void }> {
  const config = localStageConfig(options.stage);
  const model = await loadStackModel(config, { account: LOCAL_ACCOUNT_ID, region: LOCAL_REGION }).catch((error: unknown) => {
    throw new LocalSystemError(`Could not read the functions' IAM policies from the synthesized ${config.stackName} stack: ${(error as Error)?.message ?? String(error)}`);
  });
  const entrypoints = new Map<string, string>(FUNCTIONS.map((name) => [options.functions[name].functionName, name]));
  // The in-process worker runs as its task family, held to its task role's policy.
  entrypoints.set(workerTaskFamily(config.stackName), 'worker' satisfies WorkerEntrypointName);
  // The API (npm run serve) runs as its instance profile, held to the instance role's policy.
  entrypoints.set(apiInstanceProfile(config.stackName), 'api' satisfies EntrypointName);
  let enforcement: IamEnforcement;
  try {
    enforcement = new IamEnforcement(model, entrypoints, options.policies as Record<string, unknown>);
  } catch (error) {
    if (error instanceof GivenPolicyError) throw new UserError(error.message);
    throw error;
  }
  decorateAwsClients((client) => {
    enforcement.install(client);
    options.decorate?.(client);
  });
  return { enforcement, stop: () => decorateAwsClients(undefined) };
}
