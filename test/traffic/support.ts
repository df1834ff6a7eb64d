/**
 * The traffic routers' test bench: a local cluster with the Istio, Gateway API and SMI CRDs
 * from test/fixtures/crds and Sluice's Rollout CRD from crds/, a namespace, and a Rollout that
 * owns what the routers generate. Everything goes over HTTP through the real client.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';
import { startLocalCluster, type LocalCluster } from '../../src/local/index.js';
import type { KubeObject, TrafficContext } from '../../src/traffic/index.js';

/** One request as the client sent it. */
export interface SentRequest {
  method: string;
  url: URL;
  /** The JSON body, parsed, if any. */
  body: unknown;
}

/**
 * A KubeConfig that notes every request it authenticates (method and URL with its query), so
 * tests can check `fieldManager` and count writes. The requests themselves go out unchanged.
 */
class RecordingKubeConfig extends KubeConfig {
  readonly sent: SentRequest[] = [];
  override async applySecurityAuthentication(context: Parameters<KubeConfig['applySecurityAuthentication']>[0]): Promise<void> {
    const raw = context.getBody();
    this.sent.push({ method: String(context.getHttpMethod()), url: new URL(context.getUrl()), body: typeof raw === 'string' && raw !== '' ? (JSON.parse(raw) as unknown) : undefined });
    await super.applySecurityAuthentication(context);
  }
}

/** A running bench. */
export interface Bench {
  cluster: LocalCluster;
  /** The config the routers use: it records what they send. */
  kubeConfig: KubeConfig;
  /** Requests sent through {@link Bench.kubeConfig}. */
  sent: SentRequest[];
  api: CustomObjectsApi;
  namespace: string;
  /** A context for the bench's Rollout (uid filled in). */
  ctx(overrides?: Partial<TrafficContext>): TrafficContext;
  /** Creates a Rollout named `name` (or switches back to one created before); returns its uid. */
  rollout(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** A never-aborted signal for calls that are not about cancellation. */
export const signal = new AbortController().signal;

/**
 * Installs CRDs as plain JSON through CustomObjectsApi. (installCrdsFromDir goes through the
 * typed ApiextensionsV1Api, whose model drops `x-kubernetes-preserve-unknown-fields`, so the
 * route specs would be pruned to `{}`.)
 */
async function installCrds(api: CustomObjectsApi, files: string[]): Promise<void> {
  const names: string[] = [];
  for (const f of files) {
    for (const doc of YAML.parseAllDocuments(await readFile(f, 'utf8'))) {
      const crd = doc.toJS() as KubeObject | null;
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      await api.createClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', body: crd });
      names.push(crd.metadata.name ?? '');
    }
  }
  for (const name of names) {
    for (let i = 0; ; i++) {
      const crd = (await api.getClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', name })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      if ((crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 400) throw new Error(`CRD ${name} not Established`);
      await delay(25);
    }
  }
}

/** Starts the bench. */
export async function startBench(): Promise<Bench> {
  const cluster = await startLocalCluster({ port: 0 });
  const kubeConfig = new RecordingKubeConfig();
  kubeConfig.loadFromString(cluster.kubeconfigYaml());
  const api = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  const fixtures = 'test/fixtures/crds';
  const files = (await readdir(fixtures)).filter((f) => f.endsWith('.yaml')).map((f) => join(fixtures, f));
  await installCrds(api, [...files, 'crds/rollouts.sluice.dev.yaml']);
  const namespace = 'shop';
  await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const uids = new Map<string, string>();
  let current = { name: 'reviews', uid: '' };
  return {
    cluster,
    kubeConfig,
    sent: kubeConfig.sent,
    api,
    namespace,
    ctx: (overrides = {}) => ({
      kubeConfig,
      namespace,
      rolloutName: current.name,
      rolloutUid: current.uid,
      canaryService: 'reviews-canary',
      stableService: 'reviews-stable',
      maxWeight: 100,
      fieldManager: 'sluice-controller',
      ...overrides,
    }),
    async rollout(name) {
      const known = uids.get(name);
      if (known) {
        current = { name, uid: known };
        return known;
      }
      const body = {
        apiVersion: 'sluice.dev/v1alpha1',
        kind: 'Rollout',
        metadata: { name, namespace },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } },
          strategy: { canary: { canaryService: 'reviews-canary', stableService: 'reviews-stable', steps: [{ setWeight: 10 }] } },
        },
      };
      const created = (await api.createNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace, plural: 'rollouts', body })) as KubeObject;
      const uid = created.metadata.uid ?? '';
      uids.set(name, uid);
      current = { name, uid };
      return uid;
    },
    stop: () => cluster.stop(),
  };
}

/** Creates `obj` (any group but core) as plain JSON; returns it as stored. */
export async function create(bench: Bench, obj: KubeObject): Promise<KubeObject> {
  const [group, version] = obj.apiVersion.split('/') as [string, string];
  const plural = `${obj.kind.toLowerCase()}${obj.kind.endsWith('s') ? 'es' : 's'}`;
  return (await bench.api.createNamespacedCustomObject({ group, version, namespace: bench.namespace, plural, body: { ...obj, metadata: { ...obj.metadata, namespace: bench.namespace } } })) as KubeObject;
}

/** Reads an object as plain JSON, or undefined. */
export async function read(bench: Bench, apiVersion: string, plural: string, name: string): Promise<KubeObject | undefined> {
  const [group, version] = apiVersion.split('/') as [string, string];
  try {
    return (await bench.api.getNamespacedCustomObject({ group, version, namespace: bench.namespace, plural, name })) as KubeObject;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

/** Drops the fields the API server sets (resourceVersion, generation, managedFields, ...). */
export function withoutServerFields(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  for (const k of ['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp']) delete copy.metadata[k];
  return copy;
}

/**
 * Fails the next `n` updates with 409 through the cluster's fault injection; returns a
 * counter of the updates that were tried.
 */
export function conflictNextUpdates(bench: Bench, n: number, resource: string): { tried: () => number } {
  let calls = 0;
  const faults = bench.cluster.faults;
  faults.scope = { verbs: ['update'], resources: [resource] };
  faults.conflictRate = 1;
  faults.random = () => (calls++ < n ? 0 : 1);
  return { tried: () => calls };
}

/** Writes (POST/PUT/PATCH/DELETE) sent since `from` (an index into `bench.sent`) to `plural`. */
export function writesSince(bench: Bench, from: number, plural: string): SentRequest[] {
  return bench.sent.slice(from).filter((r) => r.method !== 'GET' && r.url.pathname.includes(`/${plural}`));
}
