/**
 * The local cluster's request audit (`onRequest`) and extra users (`users`, `kubeConfigFor`),
 * through the real client: who made each request, and its verb, group, resource, subresource,
 * namespace and name as RBAC sees them. (The emulator's own tests live in test/local/; this
 * file sits here with the least-privilege test that needs the hook.)
 */
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { RealClock } from '../../src/clock/index.js';
import { ApiClients, UnauthorizedError } from '../../src/controller/index.js';
import { sendJson } from '../../src/controller/rest.js';
import { ADMIN_USER, requestRecord, startLocalCluster, type LocalCluster, type RequestRecord } from '../../src/local/index.js';

describe('local cluster: request audit and users', function () {
  this.timeout(30_000);
  const ROBOT = 'system:serviceaccount:ops:robot';
  let cluster: LocalCluster;
  const records: RequestRecord[] = [];

  before(async () => {
    cluster = await startLocalCluster({ simulate: false, users: [ROBOT], onRequest: (r) => records.push(r) });
  });
  after(async () => cluster.stop());

  const since = (n: number): RequestRecord[] => records.slice(n);
  const pick = (r: RequestRecord): Partial<RequestRecord> => ({ user: r.user, verb: r.verb, apiGroup: r.apiGroup, resource: r.resource, subresource: r.subresource, namespace: r.namespace, name: r.name });

  it('records each request of the admin and of another user, with its RBAC attributes', async () => {
    const n = records.length;
    const admin = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const robot = cluster.kubeConfigFor(ROBOT);
    await admin.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'c1' }, data: { a: '1' } } });
    await robot.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: 'default', name: 'c1' });
    await robot.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces();
    const clients = new ApiClients({ kubeConfig: robot, clock: new RealClock(), qps: 0 });
    await sendJson(clients, 'PATCH', '/api/v1/namespaces/default/configmaps/c1', { body: { data: { b: '2' } }, contentType: 'application/merge-patch+json' });
    await sendJson(clients, 'DELETE', '/api/v1/namespaces/default/configmaps/c1');
    await clients.getJson('/apis');
    assert.deepEqual(since(n).map(pick), [
      { user: ADMIN_USER, verb: 'create', apiGroup: '', resource: 'configmaps', subresource: '', namespace: 'default', name: '' },
      { user: ROBOT, verb: 'get', apiGroup: '', resource: 'configmaps', subresource: '', namespace: 'default', name: 'c1' },
      { user: ROBOT, verb: 'list', apiGroup: 'apps', resource: 'deployments', subresource: '', namespace: '', name: '' },
      { user: ROBOT, verb: 'patch', apiGroup: '', resource: 'configmaps', subresource: '', namespace: 'default', name: 'c1' },
      { user: ROBOT, verb: 'delete', apiGroup: '', resource: 'configmaps', subresource: '', namespace: 'default', name: 'c1' },
      { user: ROBOT, verb: 'get', apiGroup: '', resource: '', subresource: '', namespace: '', name: '' },
    ]);
    const last = since(n).at(-1)!;
    assert.equal(last.resourceRequest, false);
    assert.equal(last.path, '/apis');
    assert.equal(since(n)[3]!.fieldManager, 'sluice-controller', 'the field manager of a write is recorded');
  });

  it('records watches as watch, subresources, and cluster-scoped objects', async () => {
    const n = records.length;
    const robot = cluster.kubeConfigFor(ROBOT);
    const ac = await new Watch(robot).watch('/api/v1/namespaces/default/pods', {}, () => undefined, () => undefined);
    ac.abort();
    const core = robot.makeApiClient(CoreV1Api);
    await core.readNamespace({ name: 'default' });
    await core.readNamespaceStatus({ name: 'default' });
    assert.deepEqual(since(n).map(pick), [
      { user: ROBOT, verb: 'watch', apiGroup: '', resource: 'pods', subresource: '', namespace: 'default', name: '' },
      { user: ROBOT, verb: 'get', apiGroup: '', resource: 'namespaces', subresource: '', namespace: '', name: 'default' },
      { user: ROBOT, verb: 'get', apiGroup: '', resource: 'namespaces', subresource: 'status', namespace: '', name: 'default' },
    ]);
  });

  it('an unknown token is recorded without a user and answered 401', async () => {
    const n = records.length;
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfigYamlFor(ROBOT).replace(/token: \S+/, 'token: not-a-token'));
    const bad = new ApiClients({ kubeConfig: kc, clock: new RealClock(), qps: 0 });
    await assert.rejects(bad.getJson('/api/v1/namespaces'), (err: unknown) => err instanceof UnauthorizedError);
    assert.equal(since(n).length, 1);
    assert.equal(since(n)[0]!.user, undefined);
    assert.throws(() => cluster.kubeConfigFor('nobody'), /no user "nobody"/);
  });

  const verbs: Record<string, { method: string; url: string; verb: string; resource: string; name: string }> = {
    'GET on a collection is list': { method: 'GET', url: '/apis/apps/v1/replicasets', verb: 'list', resource: 'replicasets', name: '' },
    'GET ?watch=true is watch': { method: 'GET', url: '/apis/apps/v1/namespaces/a/replicasets?watch=true', verb: 'watch', resource: 'replicasets', name: '' },
    'GET ?watch=1 on a name is watch': { method: 'GET', url: '/api/v1/namespaces/a/pods/p?watch=1', verb: 'watch', resource: 'pods', name: 'p' },
    'the legacy /watch/ path is watch': { method: 'GET', url: '/api/v1/watch/namespaces/a/pods', verb: 'watch', resource: 'pods', name: '' },
    'PUT is update': { method: 'PUT', url: '/apis/sluice.dev/v1alpha1/namespaces/a/rollouts/r/status', verb: 'update', resource: 'rollouts', name: 'r' },
    'DELETE on a collection is deletecollection': { method: 'DELETE', url: '/api/v1/namespaces/a/pods', verb: 'deletecollection', resource: 'pods', name: '' },
  };
  for (const [name, tc] of Object.entries(verbs)) {
    it(name, () => {
      const r = requestRecord(tc.method, new URL(tc.url, 'https://x'), 'u', undefined);
      assert.deepEqual([r.verb, r.resource, r.name, r.resourceRequest], [tc.verb, tc.resource, tc.name, true]);
    });
  }
});
