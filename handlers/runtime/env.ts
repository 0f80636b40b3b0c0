/**
 * The runtime environment, typed per entrypoint. The stack and the local runner write an
 * entrypoint's variables with {@link writeRuntimeEnv}; the entrypoint reads them with
 * {@link readRuntimeEnv}, which returns only the settings its manifest entry declares — so what
 * the stack sets and what the code reads cannot drift apart. (SDK settings such as
 * `AWS_ENDPOINT_URL_S3` are the SDK's.)
 */
import { MANIFEST, type EntrypointName, type EnvironmentOf, type FunctionName, type WorkerEntrypointName } from './manifest';
import { RUNTIME_SETTINGS, type ReadValue, type RuntimeSetting, type Variable, type WrittenValue } from './variables';

export type Environment = Readonly<Record<string, string | undefined>>;

/** What the stack or the local runner provides for an entrypoint (optional settings may be undefined). */
export type RuntimeInputs<N extends EntrypointName> = { readonly [S in EnvironmentOf<N>]: WrittenValue<S> };
/** What an entrypoint reads. */
export type RuntimeValues<N extends EntrypointName> = { readonly [S in EnvironmentOf<N>]: ReadValue<S> };
/** Every setting, for writers that serve all entrypoints. */
export type AllRuntimeInputs = { readonly [S in RuntimeSetting]: WrittenValue<S> };
/** Every setting some Lambda function reads, for the writers of all functions (the stack, the local runner). */
export type FunctionRuntimeInputs = { readonly [S in EnvironmentOf<FunctionName>]: WrittenValue<S> };
/** Every setting a function or the worker reads, for the writers of both (the local runner). */
export type ProcessingRuntimeInputs = RuntimeInputs<FunctionName | WorkerEntrypointName>;

/** Variables whose value type varies by setting, seen through the operations every one supports. */
function variableOf(setting: RuntimeSetting): Variable<unknown, unknown> {
  return RUNTIME_SETTINGS[setting] as unknown as Variable<unknown, unknown>;
}

/** The variables to set for `entrypoint`: exactly those its manifest entry declares, unset ones left out. */
export function writeRuntimeEnv<N extends EntrypointName>(entrypoint: N, inputs: RuntimeInputs<N>): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const setting of MANIFEST[entrypoint].environment) {
    const variable = variableOf(setting);
    const value = variable.write((inputs as Record<RuntimeSetting, unknown>)[setting]);
    if (value !== undefined) variables[variable.name] = value;
  }
  return variables;
}

/** The settings `entrypoint` declares, read from `env`; a missing or malformed required one throws. */
export function readRuntimeEnv<N extends EntrypointName>(entrypoint: N, env: Environment = process.env): RuntimeValues<N> {
  return readRuntimeSettings(MANIFEST[entrypoint].environment, env) as RuntimeValues<N>;
}

/** Some settings, read from `env`: for commands that are not entrypoints (the one-shot `npm run process`). */
export function readRuntimeSettings<S extends RuntimeSetting>(
  settings: readonly S[],
  env: Environment = process.env,
): { readonly [K in S]: ReadValue<K> } {
  const values: Record<string, unknown> = {};
  for (const setting of settings) {
    const variable = variableOf(setting);
    values[setting] = variable.read(env[variable.name]);
  }
  return values as { readonly [K in S]: ReadValue<K> };
}

/** The variable names `entrypoint` may read. */
export function runtimeVariables(entrypoint: EntrypointName): string[] {
  return MANIFEST[entrypoint].environment.map((setting) => RUNTIME_SETTINGS[setting].name);
}
