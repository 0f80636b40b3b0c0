/**
 * `LOCAL_STOP_AT=<moment>`: the runner stops itself (SIGSTOP) the first time it reaches that
 * moment, so a person or a test can `kill -9` it exactly there and see what a crash leaves
 * behind (or `kill -CONT` it to let it go on). Moments: `uploads` (npm start: the first input is
 * in the raw bucket, the rest not yet), `processing` (the first input has its verdict, others are
 * still going), `publish` (the previous results are moved aside and the first new folder is in
 * place, report.json not yet).
 */
import { UserError } from './user-error';

export const STOP_AT_VARIABLE = 'LOCAL_STOP_AT';
export const STOP_MOMENTS = ['uploads', 'processing', 'publish'] as const;
export type StopMoment = (typeof STOP_MOMENTS)[number];

const reached = new Set<StopMoment>();

/** @throws UserError for a moment that does not exist. */
export function checkStopAt(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const value = env[STOP_AT_VARIABLE];
  if (value && !(STOP_MOMENTS as readonly string[]).includes(value)) {
    throw new UserError(`Expected ${STOP_AT_VARIABLE} to be one of ${STOP_MOMENTS.join(', ')}, but it is "${value}".`);
  }
}

export function stopAt(moment: StopMoment): void {
  if (process.env[STOP_AT_VARIABLE] !== moment || reached.has(moment)) return;
  reached.add(moment);
  process.kill(process.pid, 'SIGSTOP');
}
