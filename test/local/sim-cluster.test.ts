/**
 * The simulated workloads as a client sees them: the real @kubernetes/client-node against
 * startLocalCluster (HTTPS), with a FakeClock passed in so readiness and crash loops move only
 * when the test advances time.
 */
import assert from 'node:assert/strict';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { FakeClock } from '../../src/clock/index.js';
import { startLocalCluster, type LocalCluster } from '../../src/local/index.js';
import { POD_TEMPLATE_HASH, READY_ANNOTATION, REVISION_ANNOTATION } from '../../src/local/sim/index.js';
import { deployment, replicaSet, settle, waitForAsync } from './sim-support.js';

const DELAY = 2000;
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function ready(p: V1Pod | undefined): string | undefined {
  return p?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

describe('local/sim through the API (client-node, FakeClock)', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;
  let clock: FakeClock;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let nsCounter = 0;
  let ns = '';

  before(async () => {
    clock = new FakeClock();
    cluster = await startLocalCluster({ clock, podReadyDelayMs: DELAY, badImagePattern: /:crash$/ });
    apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await cluster?.stop();
  });
  beforeEach(async () => {
    ns = `sim-${++nsCounter}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });

  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await settle();
  };
  const inNs = <T extends { metadata: { namespace?: string } }>(o: T): T => {
    o.metadata.namespace = ns;
    return o;
  };
  const pods = async (selector?: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: ns, ...(selector ? { labelSelector: selector } : {}) })).items;
  const rsStatus = async (name: string): Promise<V1ReplicaSet['status']> => (await apps.readNamespacedReplicaSet({ name, namespace: ns })).status;

  it('a ReplicaSet gets its pods, scales down through the scale of spec.replicas, and reports status', async () => {
    const rs = await apps.createNamespacedReplicaSet({ namespace: ns, body: inNs(replicaSet('web', 3, { app: 'web' })) as V1ReplicaSet });
    const list = await waitForAsync('3 pods', async () => {
      const ps = await pods('app=web');
      return ps.length === 3 ? ps : undefined;
    });
    for (const p of list) {
      assert.equal(p.metadata?.ownerReferences?.[0]?.uid, rs.metadata?.uid);
      assert.equal(p.metadata?.ownerReferences?.[0]?.controller, true);
      assert.ok(p.metadata?.name?.startsWith('web-'));
    }
    await waitForAsync('status 3', async () => (await rsStatus('web'))?.replicas === 3);
    await apps.patchNamespacedReplicaSet({ name: 'web', namespace: ns, body: { spec: { replicas: 1 } } }, MERGE);
    await waitForAsync('1 pod', async () => (await pods('app=web')).length === 1);
    await waitForAsync('status 1', async () => {
      const s = await rsStatus('web');
      return s?.replicas === 1 && s.observedGeneration === 2;
    });
  });

  it('pods become Ready podReadyDelayMs after creation, on the injected clock', async () => {
    await apps.createNamespacedReplicaSet({ namespace: ns, body: inNs(replicaSet('web', 2, { app: 'web' })) as V1ReplicaSet });
    await waitForAsync('running', async () => {
      const ps = await pods();
      return ps.length === 2 && ps.every((p) => p.status?.phase === 'Running' && p.status.podIP);
    });
    assert.ok((await pods()).every((p) => ready(p) === 'False'));
    await advance(DELAY - 1);
    assert.ok((await pods()).every((p) => ready(p) === 'False'));
    await advance(1);
    await waitForAsync('ready', async () => (await pods()).every((p) => ready(p) === 'True'));
    await waitForAsync('readyReplicas 2', async () => (await rsStatus('web'))?.readyReplicas === 2);
  });

  it('availableReplicas waits for minReadySeconds', async () => {
    await apps.createNamespacedReplicaSet({ namespace: ns, body: inNs(replicaSet('web', 2, { app: 'web' }, { minReadySeconds: 10 })) as V1ReplicaSet });
    await waitForAsync('running', async () => (await pods()).filter((p) => p.status?.phase === 'Running').length === 2);
    await advance(DELAY);
    await waitForAsync('ready', async () => (await rsStatus('web'))?.readyReplicas === 2);
    assert.equal((await rsStatus('web'))?.availableReplicas ?? 0, 0);
    await advance(9_000);
    assert.equal((await rsStatus('web'))?.availableReplicas ?? 0, 0);
    await advance(1_000);
    await waitForAsync('available', async () => (await rsStatus('web'))?.availableReplicas === 2);
  });

  it('a bad image crash-loops with restartCount climbing and never becomes Ready', async () => {
    await apps.createNamespacedReplicaSet({ namespace: ns, body: inNs(replicaSet('bad', 1, { app: 'bad' }, {}, ['app:crash'])) as V1ReplicaSet });
    const pod = await waitForAsync('crash loop', async () => (await pods()).find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'));
    const name = pod.metadata?.name ?? '';
    const restarts = async (): Promise<number | undefined> => (await core.readNamespacedPod({ name, namespace: ns })).status?.containerStatuses?.[0]?.restartCount;
    let last = await restarts();
    for (const step of [10_000, 20_000, 40_000]) {
      await advance(step);
      const before = last ?? 0;
      last = await waitForAsync('restart', async () => {
        const n = await restarts();
        return n !== undefined && n > before ? n : undefined;
      });
    }
    assert.equal(last, 3);
    assert.equal(ready(await core.readNamespacedPod({ name, namespace: ns })), 'False');
    assert.equal((await rsStatus('bad'))?.readyReplicas ?? 0, 0);
  });

  it('the sim.sluice.dev/ready annotation makes a running pod unready, and ready again', async () => {
    await apps.createNamespacedReplicaSet({ namespace: ns, body: inNs(replicaSet('web', 1, { app: 'web' })) as V1ReplicaSet });
    await waitForAsync('running', async () => (await pods())[0]?.status?.phase === 'Running');
    await advance(DELAY);
    const pod = await waitForAsync('ready', async () => (await pods()).find((p) => ready(p) === 'True'));
    const name = pod.metadata?.name ?? '';
    await core.patchNamespacedPod({ name, namespace: ns, body: { metadata: { annotations: { [READY_ANNOTATION]: 'false' } } } }, MERGE);
    await waitForAsync('unready', async () => ready(await core.readNamespacedPod({ name, namespace: ns })) === 'False');
    await waitForAsync('rs readyReplicas 0', async () => ((await rsStatus('web'))?.readyReplicas ?? 0) === 0);
    await core.patchNamespacedPod({ name, namespace: ns, body: { metadata: { annotations: { [READY_ANNOTATION]: null } } } }, MERGE);
    await waitForAsync('ready again', async () => ready(await core.readNamespacedPod({ name, namespace: ns })) === 'True');
  });

  it('a Deployment gets a hashed ReplicaSet at revision 1, and spec.replicas 0 removes every pod', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: inNs(deployment('api', 3, { app: 'api' })) as never });
    const rs = await waitForAsync('rs', async () => (await apps.listNamespacedReplicaSet({ namespace: ns })).items[0]);
    const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH] ?? '';
    assert.ok(hash);
    assert.equal(rs.metadata?.name, `api-${hash}`);
    assert.equal(rs.spec?.selector.matchLabels?.[POD_TEMPLATE_HASH], hash);
    assert.equal(rs.metadata?.annotations?.[REVISION_ANNOTATION], '1');
    await waitForAsync('3 pods with the hash', async () => (await pods(`${POD_TEMPLATE_HASH}=${hash}`)).length === 3);
    await advance(DELAY);
    await waitForAsync('available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'api', namespace: ns });
      return d.status?.availableReplicas === 3 && d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    });
    await apps.patchNamespacedDeploymentScale({ name: 'api', namespace: ns, body: { spec: { replicas: 0 } } }, MERGE);
    await waitForAsync('no pods', async () => (await pods()).length === 0);
    await waitForAsync('deployment status 0', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'api', namespace: ns });
      return (d.status?.replicas ?? 0) === 0 && d.status?.observedGeneration === 2;
    });
  });

  it('Endpoints list ready pods as addresses and unready ones as notReadyAddresses', async () => {
    await core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 as never }] } } });
    await apps.createNamespacedReplicaSet({ namespace: ns, body: inNs(replicaSet('web', 2, { app: 'web' })) as V1ReplicaSet });
    await waitForAsync('2 not ready', async () => (await core.readNamespacedEndpoints({ name: 'web', namespace: ns })).subsets?.[0]?.notReadyAddresses?.length === 2);
    await advance(DELAY);
    const ep = await waitForAsync('2 ready', async () => {
      const e = await core.readNamespacedEndpoints({ name: 'web', namespace: ns });
      return e.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    assert.equal(ep.subsets?.[0]?.notReadyAddresses, undefined);
    assert.deepEqual(ep.subsets?.[0]?.ports?.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const ps = await pods();
    assert.deepEqual(ep.subsets?.[0]?.addresses?.map((a) => a.ip).sort(), ps.map((p) => p.status?.podIP).sort());
    const victim = ps[0]?.metadata?.name ?? '';
    await core.patchNamespacedPod({ name: victim, namespace: ns, body: { metadata: { annotations: { [READY_ANNOTATION]: 'false' } } } }, MERGE);
    await waitForAsync('victim moved', async () => {
      const e = await core.readNamespacedEndpoints({ name: 'web', namespace: ns });
      return e.subsets?.[0]?.notReadyAddresses?.[0]?.targetRef?.name === victim && e.subsets[0].addresses?.length === 1;
    });
  });

  it('GC: background, orphan and foreground deletes of a ReplicaSet', async () => {
    for (const n of ['bg', 'or', 'fg']) await apps.createNamespacedReplicaSet({ namespace: ns, body: inNs(replicaSet(n, 2, { app: n })) as V1ReplicaSet });
    await waitForAsync('6 pods', async () => (await pods()).length === 6);
    await apps.deleteNamespacedReplicaSet({ name: 'bg', namespace: ns });
    await waitForAsync('bg pods gone', async () => (await pods('app=bg')).length === 0);
    await apps.deleteNamespacedReplicaSet({ name: 'or', namespace: ns, propagationPolicy: 'Orphan' });
    await waitForAsync('or gone', async () => !(await apps.listNamespacedReplicaSet({ namespace: ns })).items.some((r) => r.metadata?.name === 'or'));
    await settle();
    const orphans = await pods('app=or');
    assert.equal(orphans.length, 2);
    assert.ok(orphans.every((p) => (p.metadata?.ownerReferences ?? []).length === 0));
    const held = (await pods('app=fg'))[0]?.metadata?.name ?? '';
    await core.patchNamespacedPod({ name: held, namespace: ns, body: { metadata: { finalizers: ['test.sluice.dev/hold'] } } }, MERGE);
    await apps.deleteNamespacedReplicaSet({ name: 'fg', namespace: ns, propagationPolicy: 'Foreground' });
    await waitForAsync('one fg pod left', async () => (await pods('app=fg')).length === 1);
    const owner = await apps.readNamespacedReplicaSet({ name: 'fg', namespace: ns });
    assert.ok(owner.metadata?.deletionTimestamp);
    assert.deepEqual(owner.metadata?.finalizers, ['foregroundDeletion']);
    await core.patchNamespacedPod({ name: held, namespace: ns, body: { metadata: { finalizers: null } } }, MERGE);
    await waitForAsync('fg gone', async () => !(await apps.listNamespacedReplicaSet({ namespace: ns })).items.some((r) => r.metadata?.name === 'fg'));
    assert.equal((await pods('app=fg')).length, 0);
  });

  it('GC: a custom resource (Widget) owning a ReplicaSet cascades to its pods', async () => {
    const ext = cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.sim.sluice.dev' },
        spec: {
          group: 'sim.sluice.dev',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } }],
        },
      },
    });
    const owner = await waitForAsync('cr created', async () =>
      (await custom.createNamespacedCustomObject({ group: 'sim.sluice.dev', version: 'v1', namespace: ns, plural: 'widgets', body: { apiVersion: 'sim.sluice.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} } })) as { metadata: { uid: string } },
    );
    const body = inNs(replicaSet('w-rs', 2, { app: 'w' }));
    body.metadata.ownerReferences = [{ apiVersion: 'sim.sluice.dev/v1', kind: 'Widget', name: 'w', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }];
    await apps.createNamespacedReplicaSet({ namespace: ns, body: body as V1ReplicaSet });
    await waitForAsync('2 pods', async () => (await pods('app=w')).length === 2);
    await custom.deleteNamespacedCustomObject({ group: 'sim.sluice.dev', version: 'v1', namespace: ns, plural: 'widgets', name: 'w' });
    await waitForAsync('rs and pods gone', async () => (await apps.listNamespacedReplicaSet({ namespace: ns })).items.length === 0 && (await pods()).length === 0);
  });
});

describe('local/sim through the API (client-node, real clock)', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;

  before(async () => {
    cluster = await startLocalCluster({ podReadyDelayMs: 50 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('rolls a Deployment to a new template: revision 2 with every pod on it, old ReplicaSet at 0', async () => {
    const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const body = deployment('roll', 4, { app: 'roll' }, 'nginx:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await apps.createNamespacedDeployment({ namespace: 'default', body: body as never });
    await waitForAsync('available 4', async () => (await apps.readNamespacedDeployment({ name: 'roll', namespace: 'default' })).status?.availableReplicas === 4);
    await apps.patchNamespacedDeployment(
      { name: 'roll', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    let minAvailable = Infinity;
    const done = await waitForAsync('rolled out', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'roll', namespace: 'default' });
      minAvailable = Math.min(minAvailable, d.status?.availableReplicas ?? 0);
      const s = d.status;
      const complete = s?.observedGeneration === 2 && s.updatedReplicas === 4 && s.replicas === 4 && s.availableReplicas === 4;
      return complete ? d : undefined;
    });
    assert.ok(minAvailable >= 4, `maxUnavailable 0 keeps 4 available (saw ${minAvailable})`);
    assert.equal(done.metadata?.annotations?.[REVISION_ANNOTATION], '2');
    assert.equal(done.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
    const rss = (await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=roll' })).items;
    assert.deepEqual(rss.map((r) => [r.metadata?.annotations?.[REVISION_ANNOTATION], r.spec?.replicas]).sort(), [['1', 0], ['2', 4]]);
    const ps = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=roll' })).items;
    assert.equal(ps.length, 4);
    assert.ok(ps.every((p) => p.spec?.containers[0]?.image === 'nginx:2'));
  });
});
