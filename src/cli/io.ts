/** What a CLI command gets instead of the process: streams, environment, a stop signal. */

/** Injected I/O for a command, so it runs in tests without a terminal. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Aborts on SIGTERM/SIGINT (wired by main) or by a test. */
  readonly signal: AbortSignal;
}

/** Exit codes. */
export const ExitCodes = { ok: 0, failure: 1, usage: 2 } as const;

/** A bad flag or argument: the CLI prints its message as one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A subcommand: parses its own flags and calls an exported operation. */
export interface Command {
  /** One line for `sluice help`. */
  readonly summary: string;
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}
