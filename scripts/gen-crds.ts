// Writes crds/*.yaml from the zod schemas in src/api (npm run gen:crds). Deterministic.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCrdFiles } from '../src/api/index.js';

const dir = join(import.meta.dirname, '..', 'crds');
mkdirSync(dir, { recursive: true });
const files = renderCrdFiles();
for (const name of readdirSync(dir)) {
  if (name.endsWith('.sluice.dev.yaml') && !(name in files)) rmSync(join(dir, name));
}
for (const [name, text] of Object.entries(files)) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote crds/${name}`);
}
