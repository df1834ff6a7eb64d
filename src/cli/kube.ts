/**
 * The shell shared by the commands that talk to a cluster: parse the arguments (a mistake is
 * one line and exit 2), print `--help`, load the kubeconfig (`--kubeconfig`, `--context`,
 * `-n`), build the client, run the operation, and turn a failure into `error: <one line>` and
 * exit 1. Never a stack trace.
 */
import { tryParseDuration } from '../api/index.js';
import { RealClock, type Clock } from '../clock/index.js';
import { CliClient, OpsError, loadClusterTarget, type OpsContext } from '../ops/index.js';
import { KUBE_FLAGS, argsUsage, parseArgs, type ArgSpec, type ParsedArgs } from './args.js';
import { ExitCodes, UsageError, type CliIO, type Command } from './io.js';

/** How one kube command is defined: its words, flags, and the body that calls an operation. */
export interface KubeCommandSpec {
  /** The words after `sluice`, e.g. `promote` or `retry rollout`. */
  readonly name: string;
  /** Arguments after the name, for the usage line, e.g. `ROLLOUT_NAME`. */
  readonly args: string;
  readonly summary: string;
  /** Flags beyond the global ones. */
  readonly flags?: ArgSpec;
  /** How many positionals are accepted. */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Runs the operation; returns the exit code. Throw {@link UsageError} or {@link OpsError}. */
  run(args: ParsedArgs, ctx: OpsContext, io: CliIO): Promise<number>;
}

/** Options for tests: a clock other than the wall clock. */
export interface KubeCommandOptions {
  readonly clock?: Clock;
}

function oneLine(msg: string): string {
  return msg.split('\n')[0] ?? msg;
}

/** A positive duration flag (`30s`, `5m`, `1h`, or seconds), in ms; undefined when absent. */
export function durationArg(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = tryParseDuration(raw);
  if (ms === undefined || ms < 0) throw new UsageError(`--${name} must be a duration such as 30s, 5m or 1h (got '${raw}')`);
  return ms;
}

/** Builds a {@link Command} from a {@link KubeCommandSpec}. */
export function kubeCommand(spec: KubeCommandSpec, options: KubeCommandOptions = {}): Command {
  const flags: ArgSpec = { ...(spec.flags ?? {}), ...KUBE_FLAGS };
  const synopsis = `sluice ${spec.name} ${spec.args} [flags]`;
  return {
    summary: spec.summary,
    async run(argv, io) {
      const hint = `see 'sluice ${spec.name} --help'`;
      let args: ParsedArgs;
      try {
        args = parseArgs(argv, flags);
        if (args.flags['help'] === 'true') {
          io.stdout.write(`${spec.summary}\n\n${argsUsage(synopsis, flags)}\n`);
          return ExitCodes.ok;
        }
        const n = args.positionals.length;
        if (n < spec.minArgs) throw new UsageError(`missing ${spec.args}`);
        if (n > spec.maxArgs) throw new UsageError(`unexpected argument '${args.positionals[spec.maxArgs] ?? ''}'; usage: ${synopsis}`);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.stderr.write(`error: ${oneLine(err.message)} (${hint})\n`);
        return ExitCodes.usage;
      }
      const clock = options.clock ?? new RealClock();
      try {
        const target = loadClusterTarget({ kubeconfig: args.flags['kubeconfig'], context: args.flags['context'], namespace: args.flags['namespace'] }, io.env);
        const ctx: OpsContext = { client: new CliClient(target, clock), out: io.stdout, clock, signal: io.signal };
        return await spec.run(args, ctx, io);
      } catch (err) {
        if (err instanceof UsageError) {
          io.stderr.write(`error: ${oneLine(err.message)} (${hint})\n`);
          return ExitCodes.usage;
        }
        if (io.signal.aborted) return ExitCodes.failure;
        const msg = err instanceof OpsError ? err.message : err instanceof Error ? err.message : String(err);
        io.stderr.write(`error: ${oneLine(msg)}\n`);
        return ExitCodes.failure;
      }
    },
  };
}

/**
 * A command whose first argument names a resource type (`get rollout`, `retry rollout`,
 * `terminate analysisrun`): dispatches on it, accepting kubectl's aliases.
 */
export function typedCommand(name: string, summary: string, types: ReadonlyArray<{ names: readonly string[]; command: Command }>): Command {
  const all = types.map((t) => t.names[0]).join(', ');
  return {
    summary,
    async run(argv, io) {
      const [given, ...rest] = argv;
      const type = given?.startsWith('-') && given !== '--help' && given !== '-h' ? undefined : given;
      if (type === undefined || type === '--help' || type === '-h') {
        const lines = types.map((t) => `  sluice ${name} ${t.names[0] ?? ''}  (${t.command.summary})`);
        (type === undefined ? io.stderr : io.stdout).write(type === undefined ? `error: sluice ${name} needs a resource type: ${all} (see 'sluice ${name} --help')\n` : `usage:\n${lines.join('\n')}\n`);
        return type === undefined ? ExitCodes.usage : ExitCodes.ok;
      }
      const match = types.find((t) => t.names.includes(type));
      if (!match) {
        io.stderr.write(`error: sluice ${name} does not know the resource type '${type}'; use one of: ${all}\n`);
        return ExitCodes.usage;
      }
      return match.command.run(rest, io);
    },
  };
}
