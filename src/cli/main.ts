/**
 * The `sluice` entry: dispatches to a subcommand from {@link commands}. {@link main} takes
 * injected I/O and returns the exit code (tests call it); {@link runProcess} wires it to the
 * real process (signals, streams, exit).
 */
import { commands } from './commands.js';
import { ExitCodes, type CliIO } from './io.js';

function help(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return ['usage: sluice <command> [flags]', '', 'commands:', ...names.map((n) => `  ${n.padEnd(width)}${commands[n]?.summary ?? ''}`), '', "run 'sluice <command> --help' for its flags"].join('\n');
}

/** Runs `sluice <argv>`; never throws; an unexpected error is one line and exit 1. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${help()}\n`);
    return name === undefined ? ExitCodes.usage : ExitCodes.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr.write(`sluice: unknown command '${name}'; commands: ${Object.keys(commands).join(', ')}\n`);
    return ExitCodes.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr.write(`sluice ${name}: ${msg.split('\n')[0] ?? msg}\n`);
    return ExitCodes.failure;
  }
}

/** Runs `sluice` as the process: argv from the command line, SIGTERM/SIGINT abort, exit code. */
export async function runProcess(argv: string[] = process.argv.slice(2)): Promise<void> {
  const ctl = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ctl.signal.aborted) process.exit(ExitCodes.failure); // a second signal: stop now
    ctl.abort(new Error(`received ${sig}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const code = await main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: ctl.signal });
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // Keep-alive sockets of the HTTP clients must not hold the process open after the work ends.
  process.stdout.write('', () => process.exit(code));
}
