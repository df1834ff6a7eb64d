/**
 * Structured JSON logs with pino. Every line about an object carries `namespace` and `name`
 * (use {@link objectLogger}); the keys are constants so queries on them do not drift.
 * Credentials are redacted by path, and nothing here ever logs a kubeconfig.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { toRfc3339, type Clock } from '../clock/index.js';
import { splitKey } from './keys.js';

export type { Logger } from 'pino';

/** Keys used on log lines. */
export const LogKeys = {
  namespace: 'namespace',
  name: 'name',
  key: 'key',
  controller: 'controller',
  resource: 'resource',
  component: 'component',
  identity: 'identity',
  lease: 'lease',
  durationMs: 'durationMs',
  retries: 'retries',
  delayMs: 'delayMs',
  err: 'err',
} as const;

/** Log levels accepted by `--log-level`. */
export const LogLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** One of {@link LogLevels}. */
export type LogLevel = (typeof LogLevels)[number];

/** Paths pino replaces with `[redacted]`: tokens, passwords, auth headers, secret data. */
export const REDACT_PATHS = [
  'token', '*.token', 'password', '*.password', 'authorization', '*.authorization',
  'headers.authorization', 'headers.Authorization', '*.headers.authorization', 'bearerToken',
  '*.bearerToken', 'clientKey', '*.clientKey', 'data', '*.stringData', 'kubeconfig', '*.kubeconfig',
];

/** Creates the root logger, writing JSON lines to `destination` (stdout by default). */
export function createLogger(
  options: { level?: LogLevel; destination?: DestinationStream; base?: Record<string, unknown>; clock?: Clock } = {},
): Logger {
  const clock = options.clock;
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { component: 'sluice' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: clock ? () => `,"time":"${toRfc3339(clock.now())}"` : pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that does nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A child logger for one object: every line carries its namespace and name. */
export function objectLogger(log: Logger, namespace: string | undefined, name: string, extra: Record<string, unknown> = {}): Logger {
  return log.child({ [LogKeys.namespace]: namespace ?? '', [LogKeys.name]: name, ...extra });
}

/** A child logger for a queue key (`namespace/name` or `name`). */
export function keyLogger(log: Logger, key: string, extra: Record<string, unknown> = {}): Logger {
  const { namespace, name } = splitKey(key);
  return objectLogger(log, namespace, name, extra);
}
