/**
 * Finding the cluster for a CLI command, as kubectl does: `--kubeconfig`, else the first path
 * in `$KUBECONFIG`, else `~/.kube/config`, else the in-cluster service account; `--context`
 * picks a context; the namespace is `--namespace`, else the context's, else `default`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { OpsError } from './errors.js';

/** Where the command was told to look. */
export interface ClusterFlags {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
}

/** A loaded kubeconfig and the namespace to work in. */
export interface ClusterTarget {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly server: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

/**
 * Loads the kubeconfig and resolves the namespace. Throws {@link OpsError} with one line that
 * says what to fix.
 */
export function loadClusterTarget(flags: ClusterFlags, env: NodeJS.ProcessEnv, home: string = homedir()): ClusterTarget {
  const kc = new KubeConfig();
  const envPath = env['KUBECONFIG']?.split(':').find((p) => p.length > 0);
  const homePath = join(home, '.kube', 'config');
  let from: string;
  try {
    if (flags.kubeconfig) {
      from = flags.kubeconfig;
      if (!existsSync(flags.kubeconfig)) throw new OpsError(`kubeconfig ${flags.kubeconfig} does not exist (check --kubeconfig)`);
      kc.loadFromFile(flags.kubeconfig);
    } else if (envPath) {
      from = envPath;
      if (!existsSync(envPath)) throw new OpsError(`KUBECONFIG points to ${envPath}, which does not exist (fix KUBECONFIG or pass --kubeconfig)`);
      kc.loadFromFile(envPath);
    } else if (existsSync(homePath)) {
      from = homePath;
      kc.loadFromFile(homePath);
    } else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(join(SA_DIR, 'token'))) {
      from = 'the in-cluster service account';
      kc.loadFromCluster();
    } else {
      throw new OpsError('no kubeconfig found: pass --kubeconfig or set KUBECONFIG');
    }
  } catch (err) {
    if (err instanceof OpsError) throw err;
    throw new OpsError(`cannot load the kubeconfig (${firstLine(err)}); pass --kubeconfig with a valid file`, { cause: err });
  }
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new OpsError(`context "${flags.context}" not found in ${from} (contexts: ${names.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(flags.context);
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new OpsError(`the kubeconfig ${from} has no current context with a cluster server (pass --context)`);
  const namespace = flags.namespace || kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  return { kubeConfig: kc, namespace, server: server.replace(/\/+$/, '') };
}
