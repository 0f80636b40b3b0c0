/**
 * `npm run asl`: writes asl/image-pipeline.asl.json from asl/definition.ts. The JSON is kept in
 * git so reviewers see the definition a change produces; __tests__/asl fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkedInJson } from './definition';

const path = join(__dirname, 'image-pipeline.asl.json');
const text = checkedInJson();
const shown = relative(process.cwd(), path);
let current: string | undefined;
try {
  current = readFileSync(path, 'utf8');
} catch {
  current = undefined;
}
if (current === text) {
  console.log(`${shown} is up to date.`);
} else {
  writeFileSync(path, text);
  console.log(`Wrote ${shown}.`);
}
