// PATCH through the real client: JSON, merge, strategic merge, server-side apply.
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { installCrdsFromDir } from '../../src/local/index.js';
import { failure, useCluster } from './support/cluster.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

describe('local cluster: patch', () => {
  const cluster = useCluster();
  const core = (): CoreV1Api => cluster().kubeConfig.makeApiClient(CoreV1Api);
  const apps = (): AppsV1Api => cluster().kubeConfig.makeApiClient(AppsV1Api);
  const custom = (): CustomObjectsApi => cluster().kubeConfig.makeApiClient(CustomObjectsApi);

  before(async () => {
    await installCrdsFromDir(cluster().kubeConfig, FIXTURES);
    await apps().createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }] } },
        },
      },
    });
  });

  it('applies a merge patch', async () => {
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'mp' }, data: { a: '1', b: '2' } } });
    const out = await core().patchNamespacedConfigMap({ name: 'mp', namespace: 'default', body: { data: { b: null, c: '3' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    assert.deepEqual(out.data, { a: '1', c: '3' });
  });

  it('applies a JSON patch, and a failing test op is 422', async () => {
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'jp' }, data: { a: '1' } } });
    const out = await core().patchNamespacedConfigMap({ name: 'jp', namespace: 'default', body: [{ op: 'add', path: '/data/b', value: '2' }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
    assert.deepEqual(out.data, { a: '1', b: '2' });
    const f = await failure(core().patchNamespacedConfigMap({ name: 'jp', namespace: 'default', body: [{ op: 'test', path: '/data/a', value: 'zzz' }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)));
    assert.equal(f.code, 422);
  });

  it('merges containers and env by name with a strategic merge patch', async () => {
    const out = await apps().patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }, { name: 'side', image: 'busybox' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const cs = out.spec?.template.spec?.containers ?? [];
    assert.deepEqual(cs.map((c) => c.name), ['web', 'side']);
    assert.deepEqual(cs[0]?.env?.map((e) => e.name), ['A', 'B']);
    assert.equal(cs[0]?.image, 'nginx:1');
    assert.equal(out.metadata?.generation, 2);
  });

  it('answers 415 to a strategic merge patch of a custom resource', async () => {
    await custom().createNamespacedCustomObject({ group: 'example.dev', version: 'v1', namespace: 'default', plural: 'widgets', body: { apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red' } } });
    const f = await failure(
      custom().patchNamespacedCustomObject({ group: 'example.dev', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w', body: { spec: { color: 'blue' } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)),
    );
    assert.equal(f.code, 415);
    assert.equal(f.status.reason, 'UnsupportedMediaType');
    const ok = (await custom().patchNamespacedCustomObject({ group: 'example.dev', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w', body: { spec: { color: 'blue' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))) as { spec: { color: string } };
    assert.equal(ok.spec.color, 'blue');
  });

  it('patches the status subresource only through /status', async () => {
    const st = (await custom().patchNamespacedCustomObjectStatus(
      { group: 'example.dev', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w', body: { spec: { color: 'red' }, status: { phase: 'Ready' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { spec: { color: string }; status: { phase: string } };
    assert.equal(st.status.phase, 'Ready');
    assert.equal(st.spec.color, 'blue');
  });

  it('server-side apply creates, then merges; fieldManager is required', async () => {
    const objects = KubernetesObjectApi.makeApiClient(cluster().kubeConfig);
    const spec = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { a: '1' } };
    const made = await objects.patch(spec, undefined, undefined, 'tester', true, PatchStrategy.ServerSideApply);
    assert.deepEqual((made as { data: Record<string, string> }).data, { a: '1' });
    const merged = await objects.patch({ ...spec, data: { b: '2' } }, undefined, undefined, 'tester', true, PatchStrategy.ServerSideApply);
    assert.deepEqual((merged as { data: Record<string, string> }).data, { a: '1', b: '2' });
    const f = await failure(objects.patch(spec, undefined, undefined, undefined, true, PatchStrategy.ServerSideApply));
    assert.equal(f.code, 400);
  });

  it('a patch carrying a stale resourceVersion is a 409', async () => {
    const cm = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'prv' } } });
    await core().patchNamespacedConfigMap({ name: 'prv', namespace: 'default', body: { data: { a: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const f = await failure(core().patchNamespacedConfigMap({ name: 'prv', namespace: 'default', body: { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: { a: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)));
    assert.equal(f.code, 409);
  });
});
