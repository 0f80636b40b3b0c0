/**
 * A memory, a timeout and a reserved-concurrency setting per Lambda entrypoint
 * (`validateMemoryMb`, `notifyErrorTimeoutSeconds`, `optimizeReservedConcurrency`, …), with the
 * manifest's values as defaults.
 */
import { FUNCTIONS, MANIFEST, type FunctionName } from '../../handlers/runtime/manifest';
import { integer, type Setting } from './kinds';

/** Image steps decode full-size images: less memory than this fails on ordinary photos. */
export const MIN_IMAGE_MEMORY_MB = 1536;

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
export type FunctionSettingName =
  | `${Camel<FunctionName>}MemoryMb`
  | `${Camel<FunctionName>}TimeoutSeconds`
  | `${Camel<FunctionName>}ReservedConcurrency`;

const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export function memorySettingName(entrypoint: FunctionName): FunctionSettingName {
  return `${camel(entrypoint)}MemoryMb` as FunctionSettingName;
}

export function timeoutSettingName(entrypoint: FunctionName): FunctionSettingName {
  return `${camel(entrypoint)}TimeoutSeconds` as FunctionSettingName;
}

export function reservedConcurrencySettingName(entrypoint: FunctionName): FunctionSettingName {
  return `${camel(entrypoint)}ReservedConcurrency` as FunctionSettingName;
}

export const FUNCTION_SETTINGS = Object.fromEntries(
  FUNCTIONS.flatMap((entrypoint) => {
    const { memoryMb, timeoutSeconds, reservedConcurrency, needsSharp } = MANIFEST[entrypoint];
    return [
      [
        memorySettingName(entrypoint),
        integer({
          description: `Memory of the ${entrypoint} function${needsSharp ? ` (image steps need at least ${MIN_IMAGE_MEMORY_MB} MB)` : ''}.`,
          default: memoryMb,
          min: needsSharp ? MIN_IMAGE_MEMORY_MB : 128,
          max: 10240,
          unit: 'MB',
        }),
      ],
      [
        timeoutSettingName(entrypoint),
        integer({ description: `Timeout of the ${entrypoint} function.`, default: timeoutSeconds, min: 1, max: 900, unit: 'seconds' }),
      ],
      [
        reservedConcurrencySettingName(entrypoint),
        integer({
          description: `Reserved concurrency of the ${entrypoint} function: the most instances it runs at once, kept aside from the account's pool; 0 reserves none (it then shares the unreserved pool, uncapped).`,
          default: reservedConcurrency,
          min: 0,
          max: 1000,
          unit: 'instances',
        }),
      ],
    ];
  }),
) as Readonly<Record<FunctionSettingName, Setting<number>>>;
