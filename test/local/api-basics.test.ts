// Conformance of the local cluster's HTTPS API with the real @kubernetes/client-node:
// TLS and auth, discovery, version/health, the Status error shape, and create/get rules.
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, KubeConfig, VersionApi, type V1ConfigMap } from '@kubernetes/client-node';
import { failure, rawRequest, useCluster } from './support/cluster.js';

describe('local cluster: HTTPS, discovery and errors', () => {
  const cluster = useCluster();
  const core = (): CoreV1Api => cluster().kubeConfig.makeApiClient(CoreV1Api);

  it('serves HTTPS with its own CA and rejects a wrong token with a 401 Status', async () => {
    assert.match(cluster().url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const version = await cluster().kubeConfig.makeApiClient(VersionApi).getCode();
    assert.equal(version.major, '1');
    const bad = new KubeConfig();
    bad.loadFromString(cluster().kubeconfigYaml().replace(/token: .*/, 'token: wrong'));
    const f = await failure(bad.makeApiClient(CoreV1Api).listNamespace());
    assert.equal(f.code, 401);
  });

  it('rejects a client that does not trust the cluster CA', async () => {
    const untrusted = new KubeConfig();
    untrusted.loadFromString(cluster().kubeconfigYaml().replace(/certificate-authority-data: .*/, ''));
    await assert.rejects(untrusted.makeApiClient(CoreV1Api).listNamespace());
  });

  it('answers health endpoints and discovery documents', async () => {
    const kc = cluster().kubeConfig;
    for (const p of ['/healthz', '/readyz', '/livez']) assert.equal((await rawRequest(kc, 'GET', p)).text, 'ok');
    const api = (await rawRequest(kc, 'GET', '/api')).json() as { versions: string[] };
    assert.deepEqual(api.versions, ['v1']);
    const groups = (await rawRequest(kc, 'GET', '/apis')).json() as { groups: Array<{ name: string; preferredVersion: { version: string } }> };
    const names = groups.groups.map((g) => g.name);
    for (const g of ['apps', 'coordination.k8s.io', 'networking.k8s.io', 'events.k8s.io', 'apiextensions.k8s.io']) assert.ok(names.includes(g), g);
    const apps = (await rawRequest(kc, 'GET', '/apis/apps/v1')).json() as { resources: Array<{ name: string; shortNames?: string[]; verbs: string[]; namespaced: boolean; kind: string; categories?: string[] }> };
    const deploy = apps.resources.find((r) => r.name === 'deployments');
    assert.deepEqual(deploy?.shortNames, ['deploy']);
    assert.ok(deploy?.verbs.includes('watch'));
    assert.deepEqual(deploy?.categories, ['all']);
    assert.ok(apps.resources.some((r) => r.name === 'deployments/scale' && r.kind === 'Scale'));
    assert.ok(apps.resources.some((r) => r.name === 'deployments/status'));
    const v1 = (await rawRequest(kc, 'GET', '/api/v1')).json() as { resources: Array<{ name: string; namespaced: boolean }> };
    assert.equal(v1.resources.find((r) => r.name === 'namespaces')?.namespaced, false);
    for (const r of ['pods', 'services', 'endpoints', 'configmaps', 'secrets', 'events', 'serviceaccounts']) {
      assert.ok(v1.resources.some((x) => x.name === r), r);
    }
  });

  it('starts with the default and kube-system namespaces', async () => {
    const names = (await core().listNamespace()).items.map((n) => n.metadata?.name);
    assert.ok(names.includes('default') && names.includes('kube-system'));
  });

  it('answers NotFound, AlreadyExists and unknown namespaces with a Status', async () => {
    const nf = await failure(core().readNamespacedConfigMap({ name: 'nope', namespace: 'default' }));
    assert.equal(nf.code, 404);
    assert.deepEqual(
      { kind: nf.status.kind, apiVersion: nf.status.apiVersion, status: nf.status.status, reason: nf.status.reason, code: nf.status.code, message: nf.status.message },
      { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'configmaps "nope" not found' },
    );
    assert.deepEqual(nf.status.details, { name: 'nope', kind: 'configmaps' });
    const body: V1ConfigMap = { metadata: { name: 'dup' }, data: { a: '1' } };
    await core().createNamespacedConfigMap({ namespace: 'default', body });
    const ae = await failure(core().createNamespacedConfigMap({ namespace: 'default', body }));
    assert.equal(ae.code, 409);
    assert.equal(ae.status.reason, 'AlreadyExists');
    const ns = await failure(core().createNamespacedConfigMap({ namespace: 'ghost', body }));
    assert.equal(ns.code, 404);
    assert.equal(ns.status.message, 'namespaces "ghost" not found');
  });

  it('fills uid, creationTimestamp, resourceVersion and a generateName suffix', async () => {
    const made = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'gen-' } } });
    assert.match(made.metadata?.name ?? '', /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.match(made.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(made.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.ok(made.metadata?.creationTimestamp instanceof Date);
  });

  it('rejects a body whose name or namespace disagrees with the URL (400)', async () => {
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'urlname' } } });
    const f = await failure(core().replaceNamespacedConfigMap({ name: 'urlname', namespace: 'default', body: { metadata: { name: 'other' } } }));
    assert.equal(f.code, 400);
    assert.equal(f.status.message, 'the name of the object (other) does not match the name on the URL (urlname)');
    const g = await failure(core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x', namespace: 'kube-system' } } }));
    assert.equal(g.code, 400);
    assert.equal(g.status.reason, 'BadRequest');
  });

  it('answers malformed JSON with 400 and an invalid name with 422', async () => {
    const kc = cluster().kubeConfig;
    const r = await rawRequest(kc, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {');
    assert.equal(r.status, 400);
    assert.equal((r.json() as { kind: string; reason: string }).reason, 'BadRequest');
    const f = await failure(core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }));
    assert.equal(f.code, 422);
    assert.equal(f.status.details?.causes?.[0]?.field, 'metadata.name');
  });

  it('lists built-ins without kind/apiVersion on items, as the real server does', async () => {
    const r = (await rawRequest(cluster().kubeConfig, 'GET', '/api/v1/namespaces')).json() as { kind: string; apiVersion: string; items: Array<Record<string, unknown>> };
    assert.equal(r.kind, 'NamespaceList');
    assert.equal(r.apiVersion, 'v1');
    assert.ok(r.items.length > 0);
    assert.equal(r.items[0]?.['kind'], undefined);
    assert.equal(r.items[0]?.['apiVersion'], undefined);
    const one = (await rawRequest(cluster().kubeConfig, 'GET', '/api/v1/namespaces/default')).json() as Record<string, unknown>;
    assert.equal(one['kind'], 'Namespace');
  });

  it('honours dryRun=All: answers as if created, stores nothing', async () => {
    const out = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dry' } }, dryRun: 'All' });
    assert.equal(out.metadata?.name, 'dry');
    assert.equal((await failure(core().readNamespacedConfigMap({ name: 'dry', namespace: 'default' }))).code, 404);
  });

  it('serves every required built-in resource for create/get', async () => {
    const apps = cluster().kubeConfig.makeApiClient(AppsV1Api);
    await core().createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' }, stringData: { a: 'b' } } });
    await core().createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'sa' } } });
    const svc = await core().createNamespacedService({ namespace: 'default', body: { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }], selector: { app: 'x' } } } });
    assert.match(svc.spec?.clusterIP ?? '', /^10\.96\./);
    await core().createNamespacedEndpoints({ namespace: 'default', body: { metadata: { name: 'svc' } } });
    await core().createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'ev1' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Test' } });
    const pod = await core().createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    assert.equal(pod.status?.phase, 'Pending');
    const rs = await apps.createNamespacedReplicaSet({
      namespace: 'default',
      body: { metadata: { name: 'rs' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    assert.equal(rs.spec?.replicas, 1);
    const r = await rawRequest(cluster().kubeConfig, 'POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', JSON.stringify({ metadata: { name: 'l' }, spec: { holderIdentity: 'me' } }));
    assert.equal(r.status, 201);
    const i = await rawRequest(cluster().kubeConfig, 'POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', JSON.stringify({ metadata: { name: 'ing' }, spec: {} }));
    assert.equal(i.status, 201);
    const e = await rawRequest(cluster().kubeConfig, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', JSON.stringify({ metadata: { name: 'e2' }, reason: 'R', action: 'A', eventTime: '2026-01-01T00:00:00.000000Z' }));
    assert.equal(e.status, 201);
  });
});
