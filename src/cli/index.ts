/**
 * The `sluice` command line: {@link main} (injected I/O, returns the exit code), the subcommand
 * registry {@link commands}, and the operations behind each subcommand.
 */
export { main, runProcess } from './main.js';
export { commands } from './commands.js';
export { ExitCodes, UsageError, type CliIO, type Command } from './io.js';
export { CONTROLLER_FLAGS, controllerCommand, parseControllerFlags, runController, type ControllerFlags } from './controller.js';
export { controllerSetups } from './controllers.js';
export { packageVersion, versionCommand } from './version.js';
export { rolloutCommands } from './rollouts.js';
export { kubeCommand, typedCommand, type KubeCommandSpec } from './kube.js';
export { KUBE_FLAGS, parseArgs, argsUsage, type ArgSpec, type ParsedArgs } from './args.js';
