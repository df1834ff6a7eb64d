/**
 * Finding and checking the cluster. {@link loadKubeConfig} picks the kubeconfig
 * (`--kubeconfig`, else the in-cluster service account, else `KUBECONFIG`, else
 * `~/.kube/config`); {@link checkCluster} proves the API answers and serves
 * `rollouts.sluice.dev`. Both fail with a {@link StartupError}: one line that says what to do.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../clock/index.js';
import type { ApiClients } from './apiclient.js';
import { ForbiddenError, NotFoundError, StartupError, UnauthorizedError, UnreachableError, toApiError } from './errors.js';
import { SLUICE_GROUP } from './resources.js';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where to look, for tests: environment and file system roots. */
export interface KubeConfigSources {
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  readonly serviceAccountDir?: string;
}

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

/** Loads the kubeconfig to use; throws {@link StartupError} when none is usable. */
export function loadKubeConfig(path: string | undefined, sources: KubeConfigSources = {}): KubeConfig {
  const env = sources.env ?? process.env;
  const kc = new KubeConfig();
  let from: string;
  try {
    const saDir = sources.serviceAccountDir ?? SA_DIR;
    const envPath = env['KUBECONFIG']?.split(':').find((p) => p.length > 0);
    const homePath = join(sources.home ?? homedir(), '.kube', 'config');
    if (path) {
      from = path;
      if (!existsSync(path)) throw new StartupError(`kubeconfig ${path} does not exist: pass --kubeconfig with the path of a valid kubeconfig file`);
      kc.loadFromFile(path);
    } else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(join(saDir, 'token'))) {
      from = 'the in-cluster service account';
      kc.loadFromCluster();
    } else if (envPath) {
      from = `KUBECONFIG (${envPath})`;
      if (!existsSync(envPath)) throw new StartupError(`KUBECONFIG points to ${envPath}, which does not exist: fix KUBECONFIG or pass --kubeconfig`);
      kc.loadFromFile(envPath);
    } else if (existsSync(homePath)) {
      from = homePath;
      kc.loadFromFile(homePath);
    } else {
      throw new StartupError('no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or run in a cluster with a service account');
    }
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw new StartupError(`cannot load the kubeconfig (${reason(err)}): pass --kubeconfig with a valid kubeconfig file`, { cause: err });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new StartupError(`the kubeconfig from ${from} has no current context with a cluster server: set current-context or pass another --kubeconfig`);
  }
  try {
    new URL(cluster.server);
  } catch {
    throw new StartupError(`the kubeconfig from ${from} names an invalid server URL '${cluster.server}': fix clusters[].cluster.server`);
  }
  return kc;
}

interface ApiResourceList {
  resources?: Array<{ name?: string }>;
}

/**
 * Checks that the API answers and serves `rollouts.sluice.dev` (through discovery), within
 * `timeoutMs` (default 10 s). Throws {@link StartupError} otherwise.
 */
export async function checkCluster(clients: ApiClients, clock: Clock, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const server = clients.kubeConfig.getCurrentCluster()?.server ?? '(unknown)';
  const ctl = new AbortController();
  const timer = clock.setTimer(() => ctl.abort(new Error('timed out')), options.timeoutMs ?? 10_000);
  const onAbort = (): void => ctl.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await clients.getJson('/version', {}, ctl.signal);
    const list = await clients.getJson<ApiResourceList>(`/apis/${SLUICE_GROUP}/v1alpha1`, {}, ctl.signal);
    if (!(list.resources ?? []).some((r) => r.name === 'rollouts')) throw new NotFoundError('rollouts not served', 404, 'NotFound');
  } catch (raw) {
    if (ctl.signal.aborted && !options.signal?.aborted) {
      throw new StartupError(`the Kubernetes API at ${server} did not answer within ${(options.timeoutMs ?? 10_000) / 1000}s: check --kubeconfig and that the cluster is running`);
    }
    const err = toApiError(raw);
    if (err instanceof UnreachableError) {
      throw new StartupError(`cannot reach the Kubernetes API at ${server} (${err.reason}): check --kubeconfig and that the cluster is running`, { cause: err });
    }
    if (err instanceof NotFoundError) {
      throw new StartupError(`the CRD rollouts.${SLUICE_GROUP} is not installed in the cluster at ${server}: install it with 'kubectl apply -f crds/' (or the Helm chart)`, { cause: err });
    }
    if (err instanceof UnauthorizedError) {
      throw new StartupError(`the Kubernetes API at ${server} rejected the credentials (401): refresh the kubeconfig's user credentials`, { cause: err });
    }
    if (err instanceof ForbiddenError) {
      throw new StartupError(`the Kubernetes API at ${server} forbids discovery of ${SLUICE_GROUP} (403): grant the controller's RBAC role`, { cause: err });
    }
    throw new StartupError(`the Kubernetes API at ${server} failed the startup check (${reason(err)}): check the cluster's health`, { cause: err });
  } finally {
    clock.clearTimer(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
