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

/** A rollout command (src/cli/rollouts.ts), loaded on first use. */
function rollout(summary: string, name: string): Command {
  return lazy(summary, async () => {
    const command = (await import('./rollouts.js')).rolloutCommands()[name];
    if (!command) throw new Error(`no rollout command ${name}`);
    return command;
  });
}

/** Subcommands by name. */
export const commands: Readonly<Record<string, Command>> = {
  abort: rollout('abort a rollout: all traffic back to stable', 'abort'),
  controller: lazy('run the Sluice controller', async () => (await import('./controller.js')).controllerCommand),
  get: rollout('show a rollout: get rollout NAME [-w]', 'get'),
  list: rollout('list rollouts: list rollouts [-A]', 'list'),
  local: lazy('run a local Kubernetes API emulator for development and tests', async () => (await import('./local.js')).localCommand),
  pause: rollout('pause a rollout', 'pause'),
  promote: rollout('promote a paused rollout or skip its current step; --full skips all', 'promote'),
  restart: rollout('restart the pods of a rollout', 'restart'),
  resume: rollout('resume a paused rollout', 'resume'),
  retry: rollout('retry an aborted rollout: retry rollout NAME', 'retry'),
  set: rollout('update a rollout: set image NAME CONTAINER=IMAGE', 'set'),
  status: rollout('wait until a rollout is Healthy (exit 0) or Degraded (exit 1)', 'status'),
  terminate: rollout('stop an AnalysisRun: terminate analysisrun NAME', 'terminate'),
  undo: rollout("roll back to a previous revision's pod template", 'undo'),
  version: lazy('print the version', async () => (await import('./version.js')).versionCommand),
};
