/**
 * The subcommands of `sluice` (and `kubectl sluice`). Adding one is one line here. Each is
 * loaded on first use: @kubernetes/client-node takes seconds to import, and `sluice version`
 * should not wait for it.
 */
import type { Command } from './io.js';

/** A command whose module is imported only when it runs. */
function lazy(summary: string, load: () => Promise<Command>): Command {
  return { summary, run: async (argv, io) => (await load()).run(argv, io) };
}

/** Subcommands by name. */
export const commands: Readonly<Record<string, Command>> = {
  controller: lazy('run the Sluice controller', async () => (await import('./controller.js')).controllerCommand),
  local: lazy('run a local Kubernetes API emulator for development and tests', async () => (await import('./local.js')).localCommand),
  version: lazy('print the version', async () => (await import('./version.js')).versionCommand),
};
