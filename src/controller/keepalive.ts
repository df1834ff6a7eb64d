/**
 * Connection reuse for a KubeConfig. client-node 1.x builds a fresh https.Agent for every
 * request, so every call pays a TLS handshake (the controller's main CPU cost under load: with
 * 50 rollouts in flight, handshakes were most of its busy time). This gives the KubeConfig one
 * keep-alive agent per distinct TLS setup, shared by every client made from it (typed APIs,
 * routers, watches). Credentials in headers (tokens, exec plugins) are still applied per request.
 */
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

const PATCHED = Symbol('sluice.keepAlive');

type AgentFactory = (cluster: unknown, options: https.AgentOptions) => unknown;

/** Makes every client built from `kc` reuse connections. Idempotent; returns `kc`. */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent: AgentFactory; [PATCHED]?: boolean };
  if (target[PATCHED]) return kc;
  const original = target.createAgent.bind(kc);
  const agents = new Map<string, unknown>();
  target.createAgent = (cluster, options) => {
    const c = cluster as { server?: string; proxyUrl?: string } | undefined;
    if (!c?.server?.startsWith('https:') || c.proxyUrl) return original(cluster, options);
    const key = JSON.stringify([c.server, options.ca, options.cert, options.key, options.pfx, options.passphrase, options.rejectUnauthorized, options.servername]);
    let agent = agents.get(key);
    if (!agent) {
      agent = new https.Agent({ ...options, keepAlive: true, maxFreeSockets: 32 });
      agents.set(key, agent);
    }
    return agent;
  };
  target[PATCHED] = true;
  return kc;
}
