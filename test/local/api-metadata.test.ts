// resourceVersion, conflicts, generation, the status and scale subresources, finalizers and
// propagation policies, through the real client.
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import { failure, rawRequest, useCluster } from './support/cluster.js';

function deployment(name: string, replicas = 1): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
}

describe('local cluster: metadata rules', () => {
  const cluster = useCluster();
  const core = (): CoreV1Api => cluster().kubeConfig.makeApiClient(CoreV1Api);
  const apps = (): AppsV1Api => cluster().kubeConfig.makeApiClient(AppsV1Api);

  it('uses one cluster-wide, increasing resourceVersion and answers a stale update with 409 Conflict', async () => {
    const a = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'rv-a' } } });
    const b = await core().createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'rv-b' } } });
    assert.ok(Number(b.metadata?.resourceVersion) > Number(a.metadata?.resourceVersion));
    const a2 = await core().replaceNamespacedConfigMap({ name: 'rv-a', namespace: 'default', body: { ...a, data: { k: '1' } } });
    assert.ok(Number(a2.metadata?.resourceVersion) > Number(b.metadata?.resourceVersion));
    const f = await failure(core().replaceNamespacedConfigMap({ name: 'rv-a', namespace: 'default', body: { ...a, data: { k: '2' } } }));
    assert.equal(f.code, 409);
    assert.equal(f.status.reason, 'Conflict');
    assert.equal(f.status.message, 'Operation cannot be fulfilled on configmaps "rv-a": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('keeps the resourceVersion when an update changes nothing', async () => {
    const a = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'noop' }, data: { x: 'y' } } });
    const same = await core().replaceNamespacedConfigMap({ name: 'noop', namespace: 'default', body: a });
    assert.equal(same.metadata?.resourceVersion, a.metadata?.resourceVersion);
  });

  it('starts generation at 1 and bumps it only on spec changes', async () => {
    const d = await apps().createNamespacedDeployment({ namespace: 'default', body: deployment('gen') });
    assert.equal(d.metadata?.generation, 1);
    const labelled = await apps().replaceNamespacedDeployment({ name: 'gen', namespace: 'default', body: { ...d, metadata: { ...d.metadata, labels: { x: 'y' } } } });
    assert.equal(labelled.metadata?.generation, 1);
    const scaled = await apps().replaceNamespacedDeployment({ name: 'gen', namespace: 'default', body: { ...labelled, spec: { ...labelled.spec!, replicas: 4 } } });
    assert.equal(scaled.metadata?.generation, 2);
  });

  it('ignores status on the main resource and all but status on /status', async () => {
    const d = await apps().createNamespacedDeployment({ namespace: 'default', body: deployment('st') });
    const main = await apps().replaceNamespacedDeployment({ name: 'st', namespace: 'default', body: { ...d, status: { replicas: 5 } } });
    assert.equal(main.status?.replicas, undefined);
    const st = await apps().replaceNamespacedDeploymentStatus({
      name: 'st',
      namespace: 'default',
      body: { ...main, spec: { ...main.spec!, replicas: 9 }, status: { replicas: 1, observedGeneration: 1 } },
    });
    assert.equal(st.status?.replicas, 1);
    assert.equal(st.spec?.replicas, 1);
    assert.equal(st.metadata?.generation, 1);
  });

  it('serves /scale (autoscaling/v1) for deployments and replicasets', async () => {
    await apps().createNamespacedDeployment({ namespace: 'default', body: deployment('sc', 2) });
    const s = await apps().readNamespacedDeploymentScale({ name: 'sc', namespace: 'default' });
    assert.equal(s.kind, 'Scale');
    assert.equal(s.apiVersion, 'autoscaling/v1');
    assert.equal(s.spec?.replicas, 2);
    assert.equal(s.status?.selector, 'app=sc');
    const s2 = await apps().replaceNamespacedDeploymentScale({ name: 'sc', namespace: 'default', body: { ...s, spec: { replicas: 5 } } });
    assert.equal(s2.spec?.replicas, 5);
    const d = await apps().readNamespacedDeployment({ name: 'sc', namespace: 'default' });
    assert.equal(d.spec?.replicas, 5);
    assert.equal(d.metadata?.generation, 2);
    const stale = await failure(apps().replaceNamespacedDeploymentScale({ name: 'sc', namespace: 'default', body: { ...s, spec: { replicas: 6 } } }));
    assert.equal(stale.code, 409);
  });

  it('keeps an object with finalizers (deletionTimestamp set, 202) until they are removed', async () => {
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fin', finalizers: ['example.dev/hold'] } } });
    const del = await rawRequest(cluster().kubeConfig, 'DELETE', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(del.status, 202);
    const held = await core().readNamespacedConfigMap({ name: 'fin', namespace: 'default' });
    assert.ok(held.metadata?.deletionTimestamp);
    const f = await failure(core().replaceNamespacedConfigMap({ name: 'fin', namespace: 'default', body: { ...held, metadata: { ...held.metadata, finalizers: ['example.dev/hold', 'new/one'] } } }));
    assert.equal(f.code, 422);
    await core().replaceNamespacedConfigMap({ name: 'fin', namespace: 'default', body: { ...held, metadata: { ...held.metadata, finalizers: [] } } });
    assert.equal((await failure(core().readNamespacedConfigMap({ name: 'fin', namespace: 'default' }))).code, 404);
  });

  it('records Foreground (foregroundDeletion finalizer) and Orphan (orphan finalizer); Background deletes at once', async () => {
    await apps().createNamespacedDeployment({ namespace: 'default', body: deployment('fg') });
    await apps().deleteNamespacedDeployment({ name: 'fg', namespace: 'default', propagationPolicy: 'Foreground' });
    const fg = await apps().readNamespacedDeployment({ name: 'fg', namespace: 'default' });
    assert.deepEqual(fg.metadata?.finalizers, ['foregroundDeletion']);
    assert.ok(fg.metadata?.deletionTimestamp);
    await apps().createNamespacedDeployment({ namespace: 'default', body: deployment('or') });
    await apps().deleteNamespacedDeployment({ name: 'or', namespace: 'default', body: { propagationPolicy: 'Orphan' } });
    assert.deepEqual((await apps().readNamespacedDeployment({ name: 'or', namespace: 'default' })).metadata?.finalizers, ['orphan']);
    await apps().createNamespacedDeployment({ namespace: 'default', body: deployment('bg') });
    await apps().deleteNamespacedDeployment({ name: 'bg', namespace: 'default' });
    assert.equal((await failure(apps().readNamespacedDeployment({ name: 'bg', namespace: 'default' }))).code, 404);
  });

  it('checks delete preconditions', async () => {
    const cm = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'pre' } } });
    const f = await failure(core().deleteNamespacedConfigMap({ name: 'pre', namespace: 'default', body: { preconditions: { uid: 'not-the-uid' } } }));
    assert.equal(f.code, 409);
    await core().deleteNamespacedConfigMap({ name: 'pre', namespace: 'default', body: { preconditions: { uid: cm.metadata?.uid } } });
  });

  it('deletecollection deletes what the selector matches', async () => {
    for (const [n, t] of [['dc1', 'a'], ['dc2', 'a'], ['dc3', 'b']] as const) {
      await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: n, labels: { dc: t } } } });
    }
    await core().deleteCollectionNamespacedConfigMap({ namespace: 'default', labelSelector: 'dc=a' });
    const left = (await core().listNamespacedConfigMap({ namespace: 'default', labelSelector: 'dc' })).items.map((c) => c.metadata?.name);
    assert.deepEqual(left, ['dc3']);
  });

  it('deleting a namespace removes what it holds and forbids new content while terminating', async () => {
    await core().createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core().createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'c', finalizers: ['x/y'] } } });
    await core().deleteNamespace({ name: 'doomed' });
    const ns = await core().readNamespace({ name: 'doomed' });
    assert.equal(ns.status?.phase, 'Terminating');
    const f = await failure(core().createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }));
    assert.equal(f.code, 403);
    const c = await core().readNamespacedConfigMap({ name: 'c', namespace: 'doomed' });
    await core().replaceNamespacedConfigMap({ name: 'c', namespace: 'doomed', body: { ...c, metadata: { ...c.metadata, finalizers: [] } } });
    assert.equal((await failure(core().readNamespace({ name: 'doomed' }))).code, 404);
  });
});
