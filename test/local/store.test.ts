import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import { MemoryStore } from '../../src/local/store.js';
import { ApiError, type KubeObject, type StoreEvent } from '../../src/local/types.js';

const CM = { group: '', version: 'v1', resource: 'configmaps' };
const DEP = { group: 'apps', version: 'v1', resource: 'deployments' };

function cm(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data };
}

function store(historyLimit?: number): MemoryStore {
  const s = new MemoryStore({ clock: new FakeClock(), historyLimit });
  s.registerBuiltins();
  return s;
}

function code(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  return 0;
}

describe('local MemoryStore', () => {
  it('creates with uid, creationTimestamp and increasing resourceVersions', () => {
    const s = store();
    const a = s.create(CM, cm('a'));
    const b = s.create(CM, cm('b'));
    assert.ok(a.metadata.uid);
    assert.equal(a.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
    assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
    assert.equal(s.get(CM, 'default', 'a')?.metadata.uid, a.metadata.uid);
  });

  it('rejects duplicates, unknown namespaces and stale updates', () => {
    const s = store();
    const a = s.create(CM, cm('a'));
    assert.equal(code(() => s.create(CM, cm('a'))), 409);
    assert.equal(code(() => s.create(CM, { ...cm('x'), metadata: { name: 'x', namespace: 'nope' } })), 404);
    s.update(CM, { ...a, data: { k: 'v' } });
    assert.equal(code(() => s.update(CM, { ...a, data: { k: 'w' } })), 409);
  });

  it('bumps generation only on spec changes and ignores status on the main resource', () => {
    const s = store();
    const spec = { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } };
    const d = s.create(DEP, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec });
    assert.equal(d.metadata.generation, 1);
    const l = s.update(DEP, { ...d, metadata: { ...d.metadata, labels: { a: 'b' } }, status: { replicas: 9 } });
    assert.equal(l.metadata.generation, 1);
    assert.deepEqual(l['status'], {});
    const u = s.update(DEP, { ...l, spec: { ...(l['spec'] as object), replicas: 3 } });
    assert.equal(u.metadata.generation, 2);
    const st = s.updateStatus(DEP, { ...u, spec: { ...spec, replicas: 7 }, status: { replicas: 3 } });
    assert.equal(st.metadata.generation, 2);
    assert.equal((st['spec'] as { replicas: number }).replicas, 3);
    assert.deepEqual(st['status'], { replicas: 3 });
  });

  it('keeps an object with finalizers until they are removed', () => {
    const s = store();
    const events: string[] = [];
    s.subscribe((ev: StoreEvent) => events.push(`${ev.type} ${ev.object.metadata.name}`));
    const a = s.create(CM, { ...cm('f'), metadata: { name: 'f', namespace: 'default', finalizers: ['x/y'] } });
    const del = s.delete(CM, 'default', 'f');
    assert.ok(del?.metadata.deletionTimestamp);
    assert.ok(s.get(CM, 'default', 'f'));
    const cur = s.get(CM, 'default', 'f') as KubeObject;
    s.update(CM, { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    assert.equal(s.get(CM, 'default', 'f'), undefined);
    assert.deepEqual(events, ['ADDED f', 'MODIFIED f', 'DELETED f']);
    assert.ok(a);
  });

  it('records Foreground and Orphan propagation as finalizers', () => {
    const s = store();
    s.create(CM, cm('g'));
    s.delete(CM, 'default', 'g', { propagationPolicy: 'Foreground' });
    assert.deepEqual(s.get(CM, 'default', 'g')?.metadata.finalizers, ['foregroundDeletion']);
    s.create(CM, cm('o'));
    s.delete(CM, 'default', 'o', { propagationPolicy: 'Orphan' });
    assert.deepEqual(s.get(CM, 'default', 'o')?.metadata.finalizers, ['orphan']);
    assert.equal(s.delete(CM, 'default', 'missing'), undefined);
  });

  it('lists with label selectors and pages', () => {
    const s = store();
    for (let i = 0; i < 25; i++) s.create(CM, cm(`c${String(i).padStart(2, '0')}`, {}, { tier: i % 2 ? 'odd' : 'even' }));
    assert.equal(s.list(CM, 'default', 'tier=odd').length, 12);
    assert.equal(s.list(CM, 'default', 'tier in (odd,even)').length, 25);
    assert.equal(s.list(CM, undefined, '!tier').length, 0);
    const p1 = s.listPage(CM, { namespace: 'default', limit: 10 });
    assert.equal(p1.items.length, 10);
    assert.equal(p1.remainingItemCount, 15);
    const p2 = s.listPage(CM, { namespace: 'default', limit: 10, continue: p1.continue });
    assert.equal(p2.items[0]?.metadata.name, 'c10');
    s.create(CM, cm('zz'));
    s.compact();
    assert.equal(code(() => s.listPage(CM, { namespace: 'default', limit: 10, continue: p1.continue })), 410);
  });

  it('delivers ordered events to subscribers that write back', () => {
    const s = store();
    const seen: string[] = [];
    s.subscribe((ev) => {
      seen.push(`${ev.type} ${ev.object.metadata.name}`);
      if (ev.object.metadata.name === 'a' && ev.type === 'ADDED') s.create(CM, cm('b'));
    });
    s.create(CM, cm('a'));
    assert.deepEqual(seen, ['ADDED a', 'ADDED b']);
  });

  it('validates Deployments: selector required, matching the template labels, immutable', () => {
    const s = store();
    const tpl = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const fields = (obj: KubeObject, up?: boolean): string[] => {
      try {
        if (up) s.update(DEP, obj);
        else s.create(DEP, obj);
      } catch (e) {
        if (e instanceof ApiError) return ((e.details?.['causes'] ?? []) as Array<{ field: string }>).map((c) => c.field);
        throw e;
      }
      return [];
    };
    const dep = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'v', namespace: 'default' }, spec });
    assert.deepEqual(fields(dep({ template: tpl })), ['spec.selector']);
    assert.deepEqual(fields(dep({ selector: { matchLabels: { app: 'y' } }, template: tpl })), ['spec.template.metadata.labels']);
    assert.deepEqual(fields(dep({ selector: { matchLabels: { app: 'x' } }, template: { metadata: tpl.metadata, spec: { containers: [] } } })), ['spec.template.spec.containers']);
    assert.deepEqual(fields(dep({ selector: { matchLabels: { app: 'x' } }, template: tpl })), []);
    const live = s.get(DEP, 'default', 'v') as KubeObject;
    const tpl2 = { ...tpl, metadata: { labels: { app: 'x', v: '2' } } };
    assert.deepEqual(fields({ ...live, spec: { ...(live['spec'] as object), selector: { matchLabels: { app: 'x', v: '2' } }, template: tpl2 } }, true), ['spec.selector']);
  });

  it('deleting a namespace deletes its contents', () => {
    const s = store();
    const NS = { group: '', version: 'v1', resource: 'namespaces' };
    s.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
    s.create(CM, { ...cm('x'), metadata: { name: 'x', namespace: 'tmp' } });
    s.delete(NS, undefined, 'tmp');
    assert.equal(s.get(CM, 'tmp', 'x'), undefined);
    assert.equal(s.get(NS, undefined, 'tmp'), undefined);
  });
});
