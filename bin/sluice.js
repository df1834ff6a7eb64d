#!/usr/bin/env node
// The `sluice` command. Runs the compiled CLI from dist/ when it has been built
// (`npm run build`), otherwise the TypeScript sources through the package's own ts-node
// (a devDependency, present after a plain `npm install` in the repository). Paths are
// resolved from this file, so it works from any working directory and through npm's
// global/linked bin symlinks.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const built = new URL('dist/cli/main.js', root);

let entry;
if (existsSync(fileURLToPath(built))) {
  entry = built;
} else {
  process.env.TS_NODE_PROJECT ??= fileURLToPath(new URL('tsconfig.json', root));
  try {
    register('ts-node/esm', root);
  } catch {
    process.stderr.write("sluice: neither dist/ (run 'npm run build') nor ts-node (run 'npm install') is available\n");
    process.exit(1);
  }
  entry = new URL('src/cli/main.ts', root);
}
const { runProcess } = await import(entry.href);
await runProcess(process.argv.slice(2));
