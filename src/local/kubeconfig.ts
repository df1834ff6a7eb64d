/** Kubeconfig for the local cluster: HTTPS with the cluster CA and a bearer-token user. */
import { KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';

/** What a kubeconfig for the local cluster holds. */
export interface LocalKubeconfigParams {
  server: string;
  caCert: string;
  token: string;
  name?: string;
  /** The kubeconfig's user name; default `<name>-admin`. */
  userName?: string;
}

/** The kubeconfig as a plain object (the file's structure). */
export function kubeconfigObject(p: LocalKubeconfigParams): Record<string, unknown> {
  const name = p.name ?? 'sluice-local';
  const user = p.userName ?? `${name}-admin`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: p.server, 'certificate-authority-data': Buffer.from(p.caCert).toString('base64') } }],
    users: [{ name: user, user: { token: p.token } }],
    contexts: [{ name, context: { cluster: name, user, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  };
}

/** The kubeconfig file text. */
export function kubeconfigYaml(p: LocalKubeconfigParams): string {
  return YAML.stringify(kubeconfigObject(p));
}

/** A client-node KubeConfig for the cluster. */
export function makeKubeConfig(p: LocalKubeconfigParams): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml(p));
  return kc;
}
