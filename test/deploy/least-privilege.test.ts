/**
 * Least privilege, proven: `sluice controller`, run with the arguments of deploy/'s Deployment
 * and its own service-account identity, drives a representative set of rollouts on the local
 * cluster with the request audit on. Then (a) every request it made must be allowed by the RBAC
 * in deploy/ (plus the discovery roles every cluster binds to authenticated users), and (b)
 * every permission deploy/ grants must have been used, or be justified in {@link JUSTIFIED}, so
 * the roles cannot quietly grow.
 *
 * Attribution: the local cluster is started with a second user (`users` option), named as the
 * API server names the ServiceAccount of deploy/'s ClusterRoleBinding
 * (`system:serviceaccount:sluice-system:sluice-controller`), with its own bearer token. The
 * controller gets a kubeconfig with that token; the test's own client uses the admin token. The
 * audit records the user of each request's token, so the controller's requests are exactly
 * those recorded for that user: no heuristics on User-Agent or field manager.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { parseControllerFlags, runController } from '../../src/cli/controller.js';
import { installCrdsFromDir, startLocalCluster, type RequestRecord } from '../../src/local/index.js';
import { analysisRuns, createObjects, MetricSource, readObject, replicaSets, services, waitFor } from '../e2e/support-routers.js';
import { canaryRollout, createRollout, eventually, patchRollout, setImage, type Env, type Obj } from '../e2e/support.js';
import { CRDS_DIR, FIXTURES_DIR, ROOT, loadManifests, only, rbacOf } from './manifests.js';
import { Authorizer, DEFAULT_DISCOVERY, expandRule, permissionKey, requestPermission, serviceAccountUser, type Permission } from './rbac.js';

const NS = 'default';

/**
 * Permissions deploy/ grants that the scenario below does not use, each with the reason it is
 * there. A permission here that the scenario does use fails the test (remove it from here).
 */
const JUSTIFIED: Record<string, string> = {
  'sluice.dev rollouts/finalizers update':
    'blockOwnerDeletion on the owner references to a Rollout (ReplicaSets, AnalysisRuns, canary Ingress, TrafficSplit) needs it where the ' +
    'OwnerReferencesPermissionEnforcement admission plugin is on; an admission check, never a request',
};

const BAD_APP = 'ist';

function errorTemplate(metricsUrl: string): Obj {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'lp-errors', namespace: NS },
    spec: {
      args: [{ name: 'app' }, { name: 'canary-hash' }],
      metrics: [
        {
          name: 'error-ratio',
          interval: '10s',
          successCondition: 'result[0] < 0.05',
          failureLimit: 0,
          provider: {
            prometheus: {
              address: metricsUrl,
              query: 'error_ratio{rollout="{{args.app}}",hash="{{args.canary-hash}}"}',
              // A Secret read (secrets: get), as a real Prometheus behind auth needs.
              authentication: { bearerToken: { secretKeyRef: { name: 'prom', key: 'token' } } },
            },
          },
        },
      ],
    },
  };
}

function backgroundTemplate(metricsUrl: string): Obj {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'ClusterAnalysisTemplate',
    metadata: { name: 'lp-background' },
    spec: {
      args: [{ name: 'canary-hash' }],
      metrics: [{ name: 'health', interval: '300s', successCondition: 'result[0] < 0.05', provider: { prometheus: { address: metricsUrl, query: 'error_ratio{rollout="healthy",hash="{{args.canary-hash}}"}' } } }],
    },
  };
}

function bake(app: string, duration: string): Obj {
  return {
    bake: {
      duration,
      analysis: {
        templates: [{ templateName: 'lp-errors' }],
        args: [
          { name: 'app', value: app },
          { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
        ],
      },
    },
  };
}

function routed(app: string, steps: Obj[], trafficRouting: Obj, extra: Obj = {}): Obj {
  return canaryRollout(app, steps, { canaryService: `${app}-canary`, stableService: `${app}-stable`, trafficRouting, ...extra });
}

const healthy = (ro: Obj): boolean => ro.status?.phase === 'Healthy' && ro.status?.stableRS !== undefined;

/** Deploys v1, waits Healthy, sets v2; returns the first stable hash. */
async function deployThenUpdate(env: Env, ro: Obj, objects: Obj[]): Promise<string> {
  await createObjects(env, objects);
  await createRollout(env, ro);
  const name = ro.metadata.name as string;
  const first = await waitFor(env, name, 'first revision Healthy', healthy);
  await setImage(env, name, 'app:v2');
  return first.status.stableRS as string;
}

/** Istio (VirtualService + DestinationRule subsets), a bake whose analysis fails: abort. */
async function istioAborted(env: Env): Promise<void> {
  const app = BAD_APP;
  const vs = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: app, namespace: NS },
    spec: { hosts: [app], http: [{ name: 'primary', route: [{ destination: { host: app, subset: 'stable' }, weight: 100 }, { destination: { host: app, subset: 'canary' }, weight: 0 }] }] },
  };
  const dr = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name: app, namespace: NS },
    spec: { host: app, subsets: [{ name: 'stable', labels: { app } }, { name: 'canary', labels: { app } }] },
  };
  const ro = routed(app, [{ setWeight: 20 }, bake(app, '60s')], { istio: { virtualService: { name: app, routes: ['primary'] }, destinationRule: { name: app, canarySubsetName: 'canary', stableSubsetName: 'stable' } } }, {
    analysis: { templates: [{ templateName: 'lp-background', clusterScope: true }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] },
  });
  const stable = await deployThenUpdate(env, ro, [...services(app), vs, dr]);
  const aborted = await waitFor(env, app, 'aborted by the failed bake analysis', (r) => r.status?.phase === 'Degraded' && r.status?.abort === true);
  assert.equal(aborted.status.stableRS, stable);
  await eventually(async () => {
    const now = await readObject(env, `/apis/networking.istio.io/v1beta1/namespaces/${NS}/virtualservices`, app);
    const canary = (now?.spec?.http?.[0]?.route as Obj[] | undefined)?.find((d) => d.destination?.subset === 'canary');
    return canary?.weight === 0;
  }, 'all traffic back on stable');
  const runs = await eventually(async () => {
    const rs = await analysisRuns(env, app);
    return rs.some((r) => r.status?.phase === 'Failed') && rs.every((r) => r.status?.phase !== 'Running' && r.status?.phase !== 'Pending') && rs;
  }, 'the bake run failed and the background run was stopped');
  assert.ok(runs.some((r) => r.spec?.terminate === true), 'the background run was terminated');
}

/** NGINX: weights 20, pause (promoted by the test), 60, a healthy bake: promoted, history pruned. */
async function nginxPromoted(env: Env): Promise<void> {
  const app = 'ng';
  const ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: app, namespace: NS },
    spec: { ingressClassName: 'nginx', rules: [{ host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `${app}-stable`, port: { name: 'http' } } } }] } }] },
  };
  const ro = routed(app, [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, bake(app, '30s')], { nginx: { stableIngress: app } }, {
    canaryMetadata: { labels: { role: 'canary' } },
    stableMetadata: { labels: { role: 'stable' } },
  });
  ro.spec.revisionHistoryLimit = 0;
  await deployThenUpdate(env, ro, [...services(app), ingress]);
  const paused = await waitFor(env, app, 'paused at 20%', (r) => r.status?.phase === 'Paused' && r.status?.currentStepIndex === 1);
  const canary = paused.status.currentPodHash as string;
  await patchRollout(env, app, { status: { pauseConditions: null } }, { status: true });
  await waitFor(env, app, 'promoted', (r) => healthy(r) && r.status.stableRS === canary);
  await eventually(async () => (await readObject(env, `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, `${app}-${app}-canary`)) === undefined, 'canary Ingress deleted');
  await eventually(async () => {
    const rss = await replicaSets(env, app);
    return rss.size === 1 && rss.has(canary);
  }, 'the old ReplicaSet pruned (revisionHistoryLimit 0)');
}

/** workloadRef: the template from a Deployment, which is scaled down once the rollout is Healthy. */
async function workloadRef(env: Env): Promise<void> {
  const app = 'wl';
  await env.apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: app },
      spec: { replicas: 2, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } } },
    },
  });
  const ro = canaryRollout(app, [{ setWeight: 50 }]);
  delete ro.spec.selector;
  delete ro.spec.template;
  ro.spec.replicas = 2;
  ro.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: app, scaleDown: 'onsuccess' };
  await createRollout(env, ro);
  await waitFor(env, app, 'Healthy', healthy);
  await eventually(async () => (await env.apps.readNamespacedDeployment({ name: app, namespace: NS })).spec?.replicas === 0, 'Deployment scaled to 0');
}

/** restartAt: every pod recreated. */
async function restartAt(env: Env): Promise<void> {
  const app = 'rs';
  await createRollout(env, canaryRollout(app, [], { maxUnavailable: 1 }));
  await waitFor(env, app, 'Healthy', healthy);
  const pods = async (): Promise<string[]> => (await env.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name ?? '');
  const before = await pods();
  // Later than every pod's creation (second precision), so every pod is recreated.
  const at = new Date(Date.now() + 1500).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await patchRollout(env, app, { spec: { restartAt: at } });
  await waitFor(env, app, 'restartedAt recorded', (r) => r.status?.restartedAt === at, 30_000);
  const after = await pods();
  assert.equal(after.filter((p) => before.includes(p)).length, 0, 'every pod was recreated');
}

/** Gateway API HTTPRoute and SMI TrafficSplit: one weight step each, to Healthy. */
async function gatewayAndSmi(env: Env): Promise<void> {
  const route = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'gw', namespace: NS },
    spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'gw-stable', port: 80, weight: 100 }, { name: 'gw-canary', port: 80, weight: 0 }] }] },
  };
  const gw = routed('gw', [{ setWeight: 50 }, { pause: { duration: '5s' } }], { gatewayAPI: { httpRoute: 'gw' } });
  const smi = routed('smi', [{ setWeight: 50 }, { pause: { duration: '5s' } }], { smi: { trafficSplitName: 'smi' } });
  await Promise.all([deployThenUpdate(env, gw, [...services('gw'), route]), deployThenUpdate(env, smi, services('smi'))]);
  for (const app of ['gw', 'smi']) {
    const v2 = await waitFor(env, app, 'v2 promoted', (r) => healthy(r) && r.status.stableRS === r.status.currentPodHash && r.status.observedGeneration >= 2);
    assert.ok(v2.status.stableRS);
  }
}

describe('deploy/: least privilege, proven against the controller’s own requests', function () {
  this.timeout(60_000);
  const manifests = loadManifests();
  const { roles, bindings } = rbacOf(manifests);
  const deployment = only(manifests, 'Deployment', 'sluice-controller');
  const podSpec = deployment.spec.template.spec as Obj;
  const sa = serviceAccountUser(deployment.metadata.namespace as string, podSpec.serviceAccountName as string);
  const records: RequestRecord[] = [];
  let env: Env;
  let metrics: MetricSource;
  let stopController: (() => Promise<number>) | undefined;
  let controllerLog = '';

  before(async () => {
    const cluster = await startLocalCluster({ podReadyDelayMs: 20, users: [sa.name], onRequest: (r) => records.push(r) });
    const kc = cluster.kubeConfig;
    env = { cluster, kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
    await installCrdsFromDir(kc, CRDS_DIR);
    await installCrdsFromDir(kc, join(ROOT, 'test/fixtures/crds'));
    await installCrdsFromDir(kc, FIXTURES_DIR);
    // The controller's namespace, as deploy/ makes it (the Lease lives there).
    await createObjects(env, manifests.filter((m) => m.object.kind === 'Namespace').map((m) => m.object));
    metrics = new MetricSource();
    await metrics.start();
    metrics.markBad(BAD_APP);
    await createObjects(env, [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'prom', namespace: NS }, data: { token: Buffer.from('prom-reader-token').toString('base64') } },
      errorTemplate(metrics.url),
      backgroundTemplate(metrics.url),
    ]);

    // `sluice controller` with the Deployment's arguments; only the ports (any free one), the
    // kubeconfig (in a pod: the service account's token) and the time scale differ.
    const dir = mkdtempSync(join(tmpdir(), 'sluice-lp-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfigYamlFor(sa.name), { mode: 0o600 });
    const container = (podSpec.containers as Obj[]).find((c) => c.name === 'controller')!;
    const args = [...(container.args as string[]), '--kubeconfig', kubeconfig, '--metrics-port', '0', '--health-port', '0', '--time-scale', '1000'];
    const io = {
      stdout: new Writable({ write: (chunk, _enc, cb) => ((controllerLog = (controllerLog + String(chunk)).slice(-20_000)), cb()) }),
      stderr: new Writable({ write: (chunk, _enc, cb) => ((controllerLog += String(chunk)), cb()) }),
      env: { POD_NAME: 'sluice-controller-7d9f-abcde', POD_NAMESPACE: 'sluice-system' },
      signal: new AbortController().signal,
    };
    const ac = new AbortController();
    const done = runController(parseControllerFlags(args, io.env), { ...io, signal: ac.signal });
    stopController = async () => {
      ac.abort();
      return done;
    };
  });

  after(async () => {
    await stopController?.();
    await metrics?.stop();
    await env?.cluster.stop();
  });

  it('runs the scenario: Istio abort, NGINX promotion, workloadRef, restartAt, Gateway API, SMI', async function () {
    try {
      await Promise.all([istioAborted(env), nginxPromoted(env), workloadRef(env), restartAt(env), gatewayAndSmi(env)]);
    } catch (err) {
      process.stderr.write(`controller log (tail):\n${controllerLog.slice(-4000)}\n`);
      throw err;
    }
    const code = await stopController!();
    stopController = undefined;
    assert.equal(code, 0, `the controller exits 0 after a graceful shutdown; log: ${controllerLog.slice(-2000)}`);
    const lease = await readObject(env, '/apis/coordination.k8s.io/v1/namespaces/sluice-system/leases', 'sluice-controller');
    assert.equal(lease?.spec?.holderIdentity, '', 'the Lease was taken by POD_NAME and released at shutdown');
  });

  it('every request the controller made is allowed by deploy/’s RBAC (and the default discovery roles)', () => {
    const mine = records.filter((r) => r.user === sa.name);
    assert.ok(mine.length > 50, `the controller's requests were recorded (${mine.length})`);
    assert.ok(records.some((r) => r.user !== sa.name && r.user !== undefined), "the test's own requests are recorded under another user");
    const authz = new Authorizer([...roles, ...DEFAULT_DISCOVERY.roles], [...bindings, ...DEFAULT_DISCOVERY.bindings]);
    const denied = new Set<string>();
    for (const r of mine) {
      if (!authz.authorize(sa, r)) denied.add(r.resourceRequest ? `${r.verb} ${r.apiGroup || 'core'} ${r.subresource ? `${r.resource}/${r.subresource}` : r.resource} ns=${r.namespace || '(all)'} name=${r.name || '-'}` : `${r.verb} ${r.path}`);
    }
    assert.deepEqual([...denied].sort(), [], 'requests deploy/ does not allow');
  });

  it('every permission deploy/ grants was used by the controller, or is justified', () => {
    const authz = new Authorizer(roles, bindings);
    const used = new Set<string>();
    for (const r of records) {
      if (r.user !== sa.name || !r.resourceRequest || !authz.authorize(sa, r)) continue;
      used.add(permissionKey(requestPermission(r)));
    }
    const granted = new Map<string, Permission>();
    for (const role of roles) for (const rule of role.rules ?? []) for (const p of expandRule(rule)) granted.set(permissionKey(p), p);
    for (const key of granted.keys()) assert.ok(!key.includes('*'), `no wildcards in deploy/'s roles: ${key}`);
    const unused = [...granted.keys()].filter((k) => !used.has(k) && !(k in JUSTIFIED)).sort();
    assert.deepEqual(unused, [], 'permissions granted but neither used by the scenario nor justified in JUSTIFIED');
    const stale = Object.keys(JUSTIFIED).filter((k) => !granted.has(k) || used.has(k));
    assert.deepEqual(stale, [], 'JUSTIFIED entries that are not granted, or that the scenario now uses: remove them');
  });
});
