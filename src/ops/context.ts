/** What every CLI operation gets: a client, an output stream, the clock and a stop signal. */
import type { Clock } from '../clock/index.js';
import type { CliClient } from './client.js';

/** Injected dependencies of an operation, so it runs in tests without a terminal. */
export interface OpsContext {
  readonly client: CliClient;
  readonly out: NodeJS.WritableStream;
  readonly clock: Clock;
  readonly signal: AbortSignal;
}
