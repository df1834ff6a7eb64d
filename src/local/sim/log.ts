/** The simulation's logger: quiet by default (`SLUICE_SIM_LOG=debug` to see every step). */
import { pino, type Logger } from 'pino';

/** A pino logger for the simulated controllers. */
export function defaultLogger(): Logger {
  return pino({ name: 'sluice-sim', level: process.env['SLUICE_SIM_LOG'] ?? 'warn' });
}
