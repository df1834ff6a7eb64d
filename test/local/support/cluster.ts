/** Test helpers: one local cluster per suite, and reading API errors the way callers see them. */
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { startLocalCluster, type LocalCluster, type LocalClusterOptions } from '../../../src/local/index.js';

/** Starts a cluster (simulation off unless asked) before the suite and stops it after. */
export function useCluster(opts: LocalClusterOptions = {}): () => LocalCluster {
  let cluster: LocalCluster | undefined;
  before(async function () {
    this.timeout(20_000);
    cluster = await startLocalCluster({ simulate: false, ...opts });
  });
  after(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('cluster not started');
    return cluster;
  };
}

/** A Status as the server sent it. */
export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: Array<{ field?: string; message?: string; reason?: string }>; retryAfterSeconds?: number };
}

/** Awaits a call expected to fail; returns the HTTP code, the Status body and headers. */
export async function failure(p: Promise<unknown>): Promise<{ code: number; status: StatusBody; headers: Record<string, string> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) {
      const raw: unknown = err.body;
      const status = (typeof raw === 'string' ? JSON.parse(raw) : raw) as StatusBody;
      return { code: err.code, status, headers: err.headers };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** A raw HTTPS request with the kubeconfig's credentials (for what the typed clients hide). */
export async function rawRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no cluster');
  const https = await import('node:https');
  const opts: import('node:https').RequestOptions = { method, headers: { 'Content-Type': 'application/json', ...headers } };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, cluster.server), opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, text, json: () => JSON.parse(text) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Resolves when `cond` holds, polling every 10 ms; rejects after `ms`. */
export async function eventually(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const { setTimeout: delay } = await import('node:timers/promises');
  for (let waited = 0; ; waited += 10) {
    if (await cond()) return;
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}
