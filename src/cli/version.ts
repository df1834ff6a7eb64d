/** `sluice version`: prints the package version. */
import { readFileSync } from 'node:fs';
import type { Command } from './io.js';

/** The package version, read from package.json (works from src/ and from dist/). */
export function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sluice' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

/** The `version` subcommand. */
export const versionCommand: Command = {
  summary: 'print the version',
  async run(_argv, io) {
    io.stdout.write(`sluice ${packageVersion()}\n`);
    return 0;
  },
};
