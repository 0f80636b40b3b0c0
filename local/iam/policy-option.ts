/**
 * `--policy <function>=<policy.json>`: a function's role policy replaced for one run, read and
 * parsed up front so a mistake stops the run before any image (the user's to fix). The document may
 * be copied from the synthesized stack (cdktf.out) as it is: its Terraform references are resolved
 * against the local stack when the run starts.
 */
import { readFile } from 'node:fs/promises';
import { FUNCTIONS } from '../../handlers/runtime/manifest';
import { UserError } from '../user-error';
import { userPath } from '../user-directory';

/** @throws UserError unless `name` is a function of the manifest */
function checkFunction(name: string): void {
  if (!(FUNCTIONS as readonly string[]).includes(name)) throw new UserError(`Expected --policy to name a function (${FUNCTIONS.join(', ')}), but received ${name}.`);
}

/** `validate=tight.json` → ['validate', 'tight.json']. @throws UserError */
export function parsePolicyOption(text: string): [string, string] {
  const match = /^([^=]+)=(.+)$/.exec(text);
  if (!match) throw new UserError(`Expected --policy <function>=<policy.json>, e.g. --policy validate=tight.json, but received "${text}".`);
  checkFunction(match[1]!);
  return [match[1]!, match[2]!];
}

/** Function → the policy document: file paths (relative to `base`) read and parsed, documents as given. @throws UserError */
export async function loadPolicyDocuments(policies: Readonly<Record<string, string | object>>, base: string): Promise<Record<string, unknown>> {
  Object.keys(policies).forEach(checkFunction);
  const loaded: Record<string, unknown> = {};
  for (const [name, policy] of Object.entries(policies)) {
    if (typeof policy !== 'string') {
      loaded[name] = policy;
      continue;
    }
    const path = userPath(policy, base);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new UserError(`Expected the policy file ${policy} (for ${name}) to be readable, but: ${(error as Error).message}`);
    }
    try {
      loaded[name] = JSON.parse(text);
    } catch (error) {
      throw new UserError(`Expected the policy file ${policy} (for ${name}) to hold JSON, but it does not parse: ${(error as Error).message}`);
    }
  }
  return loaded;
}
