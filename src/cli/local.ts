/** `sluice local`: the local cluster (implemented in src/local). */
import { runLocalCommand } from '../local/index.js';
import type { Command } from './io.js';

/** The `local` subcommand. */
export const localCommand: Command = {
  summary: 'run a local Kubernetes API emulator for development and tests',
  run: (argv, io) => runLocalCommand(argv, io.stdout, io.signal),
};
