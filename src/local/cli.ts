/**
 * `sluice local`: runs the local cluster in the foreground, writes its kubeconfig, prints its
 * URL, and serves until SIGINT/SIGTERM (or `signal`).
 */
import { startLocalCluster, type LocalClusterOptions } from './cluster.js';

const USAGE =
  'usage: sluice local [--port <port>] --kubeconfig <file> [--host 127.0.0.1] [--pod-ready-delay 200ms] [--bad-image <regex>] [--latency 50ms] [--error-rate 0.1] [--throttle-rate 0.1] [--conflict-rate 0.1] [--history-limit N] [--no-simulate]';

/** Parses `200ms`, `1.5s`, `2m` or a bare number of milliseconds. */
export function parseDurationMs(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
}

interface Parsed {
  opts: LocalClusterOptions;
  kubeconfig?: string;
  latency: number;
  errorRate: number;
  throttleRate: number;
  conflictRate: number;
}

function parseArgs(argv: string[]): Parsed | string {
  const p: Parsed = { opts: {}, latency: 0, errorRate: 0, throttleRate: 0, conflictRate: 0 };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    if (flag === '--no-simulate') {
      p.opts.simulate = false;
      continue;
    }
    const value = eq > 0 ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined) return `flag ${flag} needs a value`;
    const rate = (): number | string => {
      const n = Number(value);
      return Number.isFinite(n) && n >= 0 && n <= 1 ? n : `${flag}: ${JSON.stringify(value)} is not a fraction between 0 and 1`;
    };
    const dur = (): number | string => parseDurationMs(value) ?? `${flag}: ${JSON.stringify(value)} is not a duration (e.g. 200ms, 1s)`;
    let v: number | string = 0;
    switch (flag) {
      case '--port':
        if (!/^\d+$/.test(value) || Number(value) > 65535) return `--port: ${JSON.stringify(value)} is not a port number`;
        p.opts.port = Number(value);
        break;
      case '--host':
        p.opts.host = value;
        break;
      case '--kubeconfig':
        p.kubeconfig = value;
        break;
      case '--pod-ready-delay':
        if (typeof (v = dur()) === 'string') return v;
        p.opts.podReadyDelayMs = v;
        break;
      case '--bad-image':
        try {
          p.opts.badImagePattern = new RegExp(value);
        } catch {
          return `--bad-image: ${JSON.stringify(value)} is not a valid regular expression`;
        }
        break;
      case '--latency':
        if (typeof (v = dur()) === 'string') return v;
        p.latency = v;
        break;
      case '--error-rate':
        if (typeof (v = rate()) === 'string') return v;
        p.errorRate = v;
        break;
      case '--throttle-rate':
        if (typeof (v = rate()) === 'string') return v;
        p.throttleRate = v;
        break;
      case '--conflict-rate':
        if (typeof (v = rate()) === 'string') return v;
        p.conflictRate = v;
        break;
      case '--history-limit':
        if (!/^\d+$/.test(value)) return `--history-limit: ${JSON.stringify(value)} is not a number`;
        p.opts.historyLimit = Number(value);
        break;
      default:
        return `unknown flag ${JSON.stringify(flag)}`;
    }
  }
  if (!p.kubeconfig) return '--kubeconfig <file> is required';
  return p;
}

/**
 * Runs `sluice local`. Returns 2 after one readable line on bad flags; otherwise serves until
 * SIGINT/SIGTERM or `signal` aborts, then returns 0.
 */
export async function runLocalCommand(argv: string[], out: NodeJS.WritableStream, signal?: AbortSignal): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    out.write(`sluice local: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const cluster = await startLocalCluster(parsed.opts);
  cluster.faults.latencyMs = parsed.latency;
  cluster.faults.errorRate = parsed.errorRate;
  cluster.faults.throttleRate = parsed.throttleRate;
  cluster.faults.conflictRate = parsed.conflictRate;
  const file = parsed.kubeconfig ?? '';
  await cluster.writeKubeconfig(file);
  // Handlers go in before the URL line (whoever reads it may signal at once), and stay until
  // the cluster has stopped, so a second signal during shutdown is absorbed too.
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  const onSignal = (): void => requestStop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (signal?.aborted) requestStop();
  else signal?.addEventListener('abort', onSignal, { once: true });
  out.write(`local cluster serving at ${cluster.url} (kubeconfig: ${file})\n`);
  await stopRequested;
  try {
    await cluster.stop();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signal?.removeEventListener('abort', onSignal);
  }
  return 0;
}
