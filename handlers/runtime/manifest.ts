/**
 * Every Lambda entrypoint, by name. Each lives in `handlers/entrypoints/lambda/<name>.ts` and exports `handler`.
 * The infrastructure bundles one function per name; the local runner imports the same modules.
 */
export const ENTRYPOINTS = [
  'start-workflow',
  'validate',
  'resize',
  'filters',
  'optimize',
  'notify-success',
  'notify-error',
] as const;

export type EntrypointName = (typeof ENTRYPOINTS)[number];

/** The entrypoints the state machine invokes as Task states. */
export type TaskEntrypointName = Exclude<EntrypointName, 'start-workflow'>;
