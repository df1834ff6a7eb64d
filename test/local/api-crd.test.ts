// Custom resources: CRD registration, discovery, schema validation and pruning, status and
// scale subresources, Table printer columns, versions, scope, and CRD removal.
import assert from 'node:assert/strict';
import { ApiextensionsV1Api, CustomObjectsApi, KubernetesObjectApi } from '@kubernetes/client-node';
import { installCrdsFromDir } from '../../src/local/index.js';
import { failure, rawRequest, useCluster } from './support/cluster.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const W = { group: 'example.dev', version: 'v1', namespace: 'default', plural: 'widgets' };

interface Widget {
  apiVersion: string;
  kind: string;
  metadata: { name: string; generation?: number; resourceVersion?: string };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('local cluster: custom resources', () => {
  const cluster = useCluster();
  const custom = (): CustomObjectsApi => cluster().kubeConfig.makeApiClient(CustomObjectsApi);
  const widget = (name: string, spec: Record<string, unknown>): Widget => ({ apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name }, spec });
  const create = async (name: string, spec: Record<string, unknown>): Promise<Widget> => (await custom().createNamespacedCustomObject({ ...W, body: widget(name, spec) })) as Widget;

  before(async function () {
    this.timeout(10_000);
    await installCrdsFromDir(cluster().kubeConfig, FIXTURES);
  });

  it('reports the CRDs Established and serves them in discovery', async () => {
    const crd = await cluster().kubeConfig.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: 'widgets.example.dev' });
    assert.ok(crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
    assert.deepEqual(crd.status?.storedVersions, ['v1']);
    const group = (await rawRequest(cluster().kubeConfig, 'GET', '/apis/example.dev')).json() as { preferredVersion: { version: string }; versions: unknown[] };
    assert.equal(group.preferredVersion.version, 'v1');
    assert.equal(group.versions.length, 2);
    const list = (await rawRequest(cluster().kubeConfig, 'GET', '/apis/example.dev/v1')).json() as { resources: Array<{ name: string; shortNames?: string[]; categories?: string[]; namespaced: boolean; kind: string }> };
    const w = list.resources.find((r) => r.name === 'widgets');
    assert.deepEqual(w?.shortNames, ['wg']);
    assert.deepEqual(w?.categories, ['all']);
    assert.ok(list.resources.some((r) => r.name === 'widgets/status'));
    assert.ok(list.resources.some((r) => r.name === 'widgets/scale' && r.kind === 'Scale'));
    assert.equal(list.resources.find((r) => r.name === 'gadgets')?.namespaced, false);
  });

  it('answers a wrong type with 422 Invalid naming the field, as the real server words it', async () => {
    const f = await failure(custom().createNamespacedCustomObject({ ...W, body: widget('x', { color: 'red', replicas: 'string' }) }));
    assert.equal(f.code, 422);
    assert.equal(f.status.reason, 'Invalid');
    assert.equal(f.status.message, 'Widget.example.dev "x" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
    assert.equal(f.status.details?.causes?.[0]?.field, 'spec.replicas');
  });

  it('checks enum, minimum/maximum, required, int-or-string and nullable', async () => {
    const fields = async (spec: Record<string, unknown>): Promise<string[]> =>
      (await failure(custom().createNamespacedCustomObject({ ...W, body: widget('bad', spec) }))).status.details?.causes?.map((c) => c.field ?? '') ?? [];
    assert.deepEqual(await fields({ color: 'green' }), ['spec.color']);
    assert.deepEqual(await fields({ color: 'red', replicas: -1 }), ['spec.replicas']);
    assert.deepEqual(await fields({ color: 'red', replicas: 101 }), ['spec.replicas']);
    assert.deepEqual(await fields({ replicas: 1 }), ['spec.color']);
    assert.deepEqual(await fields({ color: 'red', port: true }), ['spec.port']);
    assert.deepEqual(await fields({ color: 'red', tags: ['a', 1] }), ['spec.tags[1]']);
    assert.deepEqual(await fields({ color: 'red', labels: { a: 1 } }), ['spec.labels.a']);
    const ok = await create('ok', { color: 'red', port: 'http', note: null });
    assert.equal(ok.spec['port'], 'http');
    assert.equal(ok.spec['note'], null);
    const ok2 = await create('ok2', { color: 'blue', port: 8080 });
    assert.equal(ok2.spec['port'], 8080);
  });

  it('prunes unknown fields, keeps x-kubernetes-preserve-unknown-fields, applies defaults', async () => {
    const w = await create('prune', { color: 'red', junk: 1, extra: { anything: { goes: true } } });
    assert.equal(w.spec['junk'], undefined);
    assert.deepEqual(w.spec['extra'], { anything: { goes: true } });
    assert.equal(w.spec['size'], 'medium');
    const top = await rawRequest(cluster().kubeConfig, 'POST', '/apis/example.dev/v1/namespaces/default/widgets', JSON.stringify({ ...widget('prune2', { color: 'red' }), other: 1 }));
    assert.equal(top.status, 201);
    assert.equal((top.json() as Record<string, unknown>)['other'], undefined);
  });

  it('fieldValidation: Strict rejects unknown fields (400), Warn (the default) warns and prunes', async () => {
    const body = JSON.stringify(widget('strict', { color: 'red', junk: 1 }));
    const strict = await rawRequest(cluster().kubeConfig, 'POST', '/apis/example.dev/v1/namespaces/default/widgets?fieldValidation=Strict', body);
    assert.equal(strict.status, 400);
    assert.equal((strict.json() as { message: string }).message, 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.junk"');
    const warn = await rawRequest(cluster().kubeConfig, 'POST', '/apis/example.dev/v1/namespaces/default/widgets', body);
    assert.equal(warn.status, 201);
    assert.equal(warn.headers.get('warning'), '299 - "unknown field \\"spec.junk\\""');
  });

  it('bumps generation on spec changes only; main writes ignore status; /status ignores the rest', async () => {
    const w = await create('gen', { color: 'red', replicas: 1 });
    assert.equal(w.metadata.generation, 1);
    const s = (await custom().replaceNamespacedCustomObjectStatus({ ...W, name: 'gen', body: { ...w, spec: { color: 'blue' }, status: { phase: 'Up' } } })) as Widget;
    assert.equal(s.status?.['phase'], 'Up');
    assert.equal(s.spec['color'], 'red');
    assert.equal(s.metadata.generation, 1);
    const m = (await custom().replaceNamespacedCustomObject({ ...W, name: 'gen', body: { ...s, spec: { ...s.spec, replicas: 2 }, status: { phase: 'Down' } } })) as Widget;
    assert.equal(m.status?.['phase'], 'Up');
    assert.equal(m.metadata.generation, 2);
    const bad = await failure(custom().replaceNamespacedCustomObjectStatus({ ...W, name: 'gen', body: { ...m, status: { replicas: 'x' } } }));
    assert.equal(bad.code, 422);
  });

  it('serves /scale for a CRD that declares it', async () => {
    const w = await create('scaled', { color: 'red', replicas: 2 });
    await custom().replaceNamespacedCustomObjectStatus({ ...W, name: 'scaled', body: { ...w, status: { replicas: 2, selector: 'app=scaled' } } });
    const sc = (await custom().getNamespacedCustomObjectScale({ ...W, name: 'scaled' })) as { spec: { replicas: number }; status: { replicas: number; selector: string } };
    assert.deepEqual([sc.spec.replicas, sc.status.replicas, sc.status.selector], [2, 2, 'app=scaled']);
    await custom().replaceNamespacedCustomObjectScale({ ...W, name: 'scaled', body: { ...sc, spec: { replicas: 7 } } });
    const after = (await custom().getNamespacedCustomObject({ ...W, name: 'scaled' })) as Widget;
    assert.equal(after.spec['replicas'], 7);
    assert.equal(after.metadata.generation, 2);
  });

  it('answers the Table format with the printer columns', async () => {
    const w = await create('tabled', { color: 'red', replicas: 3 });
    await custom().replaceNamespacedCustomObjectStatus({ ...W, name: 'tabled', body: { ...w, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } });
    const r = await rawRequest(cluster().kubeConfig, 'GET', '/apis/example.dev/v1/namespaces/default/widgets?fieldSelector=metadata.name%3Dtabled', undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
    });
    const t = r.json() as { kind: string; columnDefinitions: Array<{ name: string; type: string }>; rows: Array<{ cells: unknown[]; object: { kind: string } }> };
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Replicas', 'Phase', 'Ready', 'Age']);
    assert.deepEqual(t.rows[0]?.cells.slice(0, 4), ['tabled', 3, 'Running', 'True']);
    assert.match(String(t.rows[0]?.cells[4]), /^\d+s$/);
    assert.equal(t.rows[0]?.object.kind, 'PartialObjectMetadata');
  });

  it('serves every served version from one storage, and cluster-scoped kinds', async () => {
    await create('versions', { color: 'red' });
    const beta = (await custom().getNamespacedCustomObject({ ...W, version: 'v1beta1', name: 'versions' })) as Widget;
    assert.equal(beta.apiVersion, 'example.dev/v1beta1');
    assert.equal(beta.spec['color'], 'red');
    const g = (await custom().createClusterCustomObject({ group: 'example.dev', version: 'v1', plural: 'gadgets', body: { apiVersion: 'example.dev/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { level: 3 } } })) as Widget;
    assert.equal((g.metadata as Record<string, unknown>)['namespace'], undefined);
    const objects = KubernetesObjectApi.makeApiClient(cluster().kubeConfig);
    const read = await objects.read({ apiVersion: 'example.dev/v1', kind: 'Gadget', metadata: { name: 'g1' } });
    assert.equal((read as unknown as Widget).spec['level'], 3);
  });

  it('stops serving a CRD and its objects once the CRD is deleted', async () => {
    const ext = cluster().kubeConfig.makeApiClient(ApiextensionsV1Api);
    await custom().createClusterCustomObject({ group: 'example.dev', version: 'v1', plural: 'gadgets', body: { apiVersion: 'example.dev/v1', kind: 'Gadget', metadata: { name: 'g2' }, spec: {} } });
    await ext.deleteCustomResourceDefinition({ name: 'gadgets.example.dev' });
    const f = await failure(custom().getClusterCustomObject({ group: 'example.dev', version: 'v1', plural: 'gadgets', name: 'g2' }));
    assert.equal(f.code, 404);
    const list = (await rawRequest(cluster().kubeConfig, 'GET', '/apis/example.dev/v1')).json() as { resources: Array<{ name: string }> };
    assert.ok(!list.resources.some((r) => r.name === 'gadgets'));
  });

  it('rejects an invalid CRD with 422', async () => {
    const ext = cluster().kubeConfig.makeApiClient(ApiextensionsV1Api);
    const f = await failure(
      ext.createCustomResourceDefinition({
        body: { metadata: { name: 'wrong.example.dev' }, spec: { group: 'example.dev', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } },
      }),
    );
    assert.equal(f.code, 422);
    assert.equal(f.status.details?.causes?.[0]?.field, 'metadata.name');
  });
});
