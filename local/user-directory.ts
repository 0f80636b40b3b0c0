/**
 * Where the person typed the command. npm runs scripts in the package root and records the
 * directory it was started from in INIT_CWD, so `npm start -- photo.jpg --out results` typed in
 * ~/photos means ~/photos/photo.jpg and ~/photos/results.
 */
import { isAbsolute, relative, resolve } from 'node:path';

export function userDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.INIT_CWD || process.cwd();
}

/** A path the user typed, made absolute from where they typed it. */
export function userPath(path: string, base: string = userDirectory()): string {
  return resolve(base, path);
}

/** Relative to the user's directory when inside it, absolute otherwise. */
export function displayPath(path: string, base: string = userDirectory()): string {
  const relativePath = relative(base, path);
  if (relativePath === '') return '.';
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
}
