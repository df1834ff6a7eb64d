/**
 * `sluice controller`: parses the flags into {@link ControllerFlags} and runs the manager with
 * every registered controller ({@link controllerSetups}). Exit codes: 0 after a graceful
 * shutdown, 1 on a startup failure or a lost lease (the pod restarts as a standby), 2 on a bad
 * flag.
 */
import { RealClock, type Clock } from '../clock/index.js';
import { LogLevels, Manager, StartupError, StopReasons, createLogger, loadKubeConfig, type ControllerSetup, type LogLevel } from '../controller/index.js';
import { controllerSetups } from './controllers.js';
import { choiceFlag, durationFlag, intFlag, parseFlags, positiveFlag, usage, type FlagSpec } from './flags.js';
import { ExitCodes, UsageError, type CliIO, type Command } from './io.js';

/** The flags of `sluice controller`. */
export const CONTROLLER_FLAGS = {
  kubeconfig: { kind: 'string', help: 'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)' },
  namespace: { kind: 'string', help: 'watch only this namespace (default: all)' },
  'instance-id': { kind: 'string', help: 'handle only objects labelled sluice.dev/instance-id=<id>' },
  'leader-elect': { kind: 'boolean', help: 'elect a leader through a Lease (default true; --leader-elect=false)' },
  'lease-name': { kind: 'string', help: 'Lease name (default sluice-controller[-<instance-id>])' },
  'lease-namespace': { kind: 'string', help: 'Lease namespace (default: --namespace, $POD_NAMESPACE, or default)' },
  'lease-duration': { kind: 'string', help: 'lease duration (default 15s)' },
  'renew-deadline': { kind: 'string', help: 'leader gives up if not renewed within this (default 10s)' },
  'retry-period': { kind: 'string', help: 'renew/retry interval (default 2s)' },
  'metrics-port': { kind: 'string', help: '/metrics port (default 8080; 0 = any free port)' },
  'health-port': { kind: 'string', help: '/healthz and /readyz port (default 8081; same as metrics = one server)' },
  qps: { kind: 'string', help: 'API requests per second, client side (default 200)' },
  burst: { kind: 'string', help: 'API request burst (default 400)' },
  workers: { kind: 'string', help: 'concurrent reconciles per controller (default 4)' },
  'time-scale': { kind: 'string', help: 'divide every duration the controller waits by N (default 1)' },
  'shutdown-timeout': { kind: 'string', help: 'how long shutdown waits for reconciles (default 10s)' },
  'log-level': { kind: 'string', help: `one of ${LogLevels.join(', ')} (default info)` },
  help: { kind: 'boolean', help: 'print this help' },
} as const satisfies FlagSpec;

/** Parsed, validated `sluice controller` flags with defaults filled in. */
export interface ControllerFlags {
  kubeconfig: string | undefined;
  namespace: string | undefined;
  instanceId: string | undefined;
  leaderElect: boolean;
  leaseName: string | undefined;
  leaseNamespace: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  metricsPort: number;
  healthPort: number;
  qps: number;
  burst: number;
  workers: number;
  timeScale: number;
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
  help: boolean;
}

/** Parses and validates the flags; throws {@link UsageError}. */
export function parseControllerFlags(argv: string[], env: NodeJS.ProcessEnv = {}): ControllerFlags {
  const f = parseFlags('sluice controller', argv, CONTROLLER_FLAGS);
  const namespace = f['namespace'] || undefined;
  const flags: ControllerFlags = {
    kubeconfig: f['kubeconfig'] || undefined,
    namespace,
    instanceId: f['instance-id'] || undefined,
    leaderElect: (f['leader-elect'] ?? 'true') === 'true',
    leaseName: f['lease-name'] || undefined,
    leaseNamespace: f['lease-namespace'] || namespace || env['POD_NAMESPACE'] || 'default',
    leaseDurationMs: durationFlag('lease-duration', f['lease-duration'], 15_000),
    renewDeadlineMs: durationFlag('renew-deadline', f['renew-deadline'], 10_000),
    retryPeriodMs: durationFlag('retry-period', f['retry-period'], 2_000),
    metricsPort: intFlag('metrics-port', f['metrics-port'], 8080, 0, 65535),
    healthPort: intFlag('health-port', f['health-port'], 8081, 0, 65535),
    qps: positiveFlag('qps', f['qps'], 200),
    burst: intFlag('burst', f['burst'], 400, 1),
    workers: intFlag('workers', f['workers'], 4, 1, 1000),
    timeScale: positiveFlag('time-scale', f['time-scale'], 1),
    shutdownTimeoutMs: durationFlag('shutdown-timeout', f['shutdown-timeout'], 10_000),
    logLevel: choiceFlag('log-level', f['log-level'], 'info', LogLevels),
    help: f['help'] === 'true',
  };
  if (flags.renewDeadlineMs >= flags.leaseDurationMs) {
    throw new UsageError(`--renew-deadline (${flags.renewDeadlineMs}ms) must be shorter than --lease-duration (${flags.leaseDurationMs}ms)`);
  }
  if (flags.retryPeriodMs >= flags.renewDeadlineMs) {
    throw new UsageError(`--retry-period (${flags.retryPeriodMs}ms) must be shorter than --renew-deadline (${flags.renewDeadlineMs}ms)`);
  }
  return flags;
}

/**
 * Runs the controller until `io.signal` aborts. Logs JSON to `io.stdout`; a startup failure is
 * one line on `io.stderr`. Returns the exit code.
 */
export async function runController(
  flags: ControllerFlags,
  io: CliIO,
  options: { setups?: readonly ControllerSetup[]; clock?: Clock } = {},
): Promise<number> {
  const clock = options.clock ?? new RealClock();
  const logger = createLogger({ level: flags.logLevel, destination: io.stdout as never, clock });
  try {
    const kubeConfig = loadKubeConfig(flags.kubeconfig, { env: io.env });
    const manager = new Manager({
      kubeConfig,
      clock,
      logger,
      namespace: flags.namespace,
      instanceId: flags.instanceId,
      leaderElection: {
        enabled: flags.leaderElect,
        leaseName: flags.leaseName,
        leaseNamespace: flags.leaseNamespace,
        leaseDurationMs: flags.leaseDurationMs,
        renewDeadlineMs: flags.renewDeadlineMs,
        retryPeriodMs: flags.retryPeriodMs,
        identity: io.env['SLUICE_IDENTITY'] || io.env['POD_NAME'] || undefined,
      },
      metricsPort: flags.metricsPort,
      healthPort: flags.healthPort,
      qps: flags.qps,
      burst: flags.burst,
      workers: flags.workers,
      timeScale: flags.timeScale,
      shutdownTimeoutMs: flags.shutdownTimeoutMs,
      setups: options.setups ?? controllerSetups,
    });
    const reason = await manager.start(io.signal);
    return reason === StopReasons.shutdown ? ExitCodes.ok : ExitCodes.failure;
  } catch (err) {
    const msg = err instanceof StartupError ? err.message : `controller failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    io.stderr.write(`sluice controller: ${msg}\n`);
    return ExitCodes.failure;
  }
}

/** The `controller` subcommand. */
export const controllerCommand: Command = {
  summary: 'run the Sluice controller',
  async run(argv, io) {
    let flags: ControllerFlags;
    try {
      flags = parseControllerFlags(argv, io.env);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.stderr.write(`sluice controller: ${err.message}\n`);
      return ExitCodes.usage;
    }
    if (flags.help) {
      io.stdout.write(`${usage('sluice controller', CONTROLLER_FLAGS)}\n`);
      return ExitCodes.ok;
    }
    return runController(flags, io);
  },
};
