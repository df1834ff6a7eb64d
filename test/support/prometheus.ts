/**
 * Runs the real `prometheus` binary (Debian package `prometheus`) for tests: its own generated
 * config scraping the given targets every second, TSDB in a temp dir, loopback on a free port.
 * {@link startPrometheus} returns once `/-/ready` answers and every target has been scraped up;
 * {@link PrometheusServer.stop} kills it and removes the temp dir.
 *
 * In a `before` hook: `const bin = requireTool(this, 'prometheus', 'prometheus')`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import axios from 'axios';

/** Options for {@link startPrometheus}. */
export interface PrometheusOptions {
  /** Path of the binary (from `requireTool`). */
  readonly binary: string;
  /** `host:port` targets to scrape under job `testapp`. */
  readonly targets: readonly string[];
  /** Scrape interval, seconds; default 1. */
  readonly scrapeIntervalSeconds?: number;
  /** How long to wait for readiness and the first scrape, ms; default 30 000. */
  readonly startTimeoutMs?: number;
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly job: string;
  /** True until it exits. */
  running(): boolean;
  /** What it wrote to stderr (for failure messages). */
  logs(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and removes its data. Idempotent. */
  stop(): Promise<void>;
}

/** A free loopback TCP port (bound then released; a tiny race is acceptable in tests). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Polls `check` every `intervalMs` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = process.hrtime.bigint() + BigInt(timeoutMs) * 1_000_000n;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (process.hrtime.bigint() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Runs an instant query and returns the decoded `data.result` array. */
export async function instantQuery(url: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await axios.get(`${url}/api/v1/query`, { params: { query }, timeout: 5000 });
  return (res.data as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
}

function config(job: string, targets: readonly string[], interval: number): string {
  return [
    'global:',
    `  scrape_interval: ${interval}s`,
    `  evaluation_interval: ${interval}s`,
    'scrape_configs:',
    `  - job_name: ${job}`,
    `    scrape_interval: ${interval}s`,
    `    scrape_timeout: ${interval}s`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
}

/** Starts Prometheus and waits until it is ready and has scraped every target once. */
export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusServer> {
  const job = 'testapp';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-prom-'));
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, config(job, opts.targets, opts.scrapeIntervalSeconds ?? 1));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    opts.binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let exited = false;
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  let stopped = false;
  const server: PrometheusServer = {
    url,
    job,
    running: () => !exited,
    logs: () => stderr,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(killer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    const timeout = opts.startTimeoutMs ?? 30_000;
    await waitFor('prometheus /-/ready', async () => {
      if (exited) throw new Error(`prometheus exited: ${stderr}`);
      const res = await axios.get(`${url}/-/ready`, { timeout: 1000, validateStatus: () => true });
      return res.status === 200 ? true : undefined;
    }, timeout);
    await waitFor('the first scrape of every target', async () => {
      const up = await instantQuery(url, `up{job="${job}"} == 1`);
      return up.length === opts.targets.length ? true : undefined;
    }, timeout);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}
