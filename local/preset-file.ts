/** Reading a preset given on the command line, checked up front so a bad preset stops a run before any image (the user's to fix). */
import { readFile } from 'node:fs/promises';
import { isCodedError } from '../handlers/core/errors';
import { parsePreset } from '../handlers/core/preset';
import { UserError } from './user-error';

/** Reads and checks a preset file up front, so a bad preset stops the run before any image. */
export async function loadPresetJson(preset: string | Record<string, unknown>): Promise<unknown> {
  if (typeof preset !== 'string') {
    checkPreset(preset, 'the preset given');
    return preset;
  }
  let text: string;
  try {
    text = await readFile(preset, 'utf8');
  } catch (error) {
    throw new UserError(`Expected the preset file ${preset} to be readable, but: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`Expected the preset file ${preset} to hold JSON, but it does not parse: ${(error as Error).message}`);
  }
  checkPreset(json, `the preset file ${preset}`);
  return json;
}

function checkPreset(json: unknown, what: string): void {
  try {
    parsePreset(json);
  } catch (error) {
    if (isCodedError(error)) throw new UserError(`${what[0]!.toUpperCase()}${what.slice(1)} is not a valid preset: ${error.message}`);
    throw error;
  }
}
