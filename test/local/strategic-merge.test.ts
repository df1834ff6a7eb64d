// Strategic merge patch semantics, as named cases (pure functions, no server).
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../src/local/patch/strategic.js';
import { applyMergePatch } from '../../src/local/patch/merge-patch.js';
import { applyJsonPatch } from '../../src/local/patch/json-patch.js';

interface Case {
  kind: string;
  target: unknown;
  patch: unknown;
  want: unknown;
}

const pod = (containers: unknown[]): unknown => ({ spec: { containers } });

const cases: Record<string, Case> = {
  'containers merge by name, env by name': {
    kind: 'Pod',
    target: pod([{ name: 'a', image: 'x:1', env: [{ name: 'A', value: '1' }] }, { name: 'b', image: 'y' }]),
    patch: pod([{ name: 'a', image: 'x:2', env: [{ name: 'B', value: '2' }] }]),
    want: pod([{ name: 'a', image: 'x:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'b', image: 'y' }]),
  },
  'container ports merge by containerPort': {
    kind: 'Pod',
    target: pod([{ name: 'a', ports: [{ containerPort: 80, name: 'http' }] }]),
    patch: pod([{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }] }]),
    want: pod([{ name: 'a', ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }] }]),
  },
  '$patch: delete removes a keyed item': {
    kind: 'Pod',
    target: pod([{ name: 'a' }, { name: 'b' }]),
    patch: pod([{ name: 'a', $patch: 'delete' }]),
    want: pod([{ name: 'b' }]),
  },
  '$patch: replace replaces the list': {
    kind: 'Pod',
    target: pod([{ name: 'a' }, { name: 'b' }]),
    patch: pod([{ name: 'c' }, { $patch: 'replace' }]),
    want: pod([{ name: 'c' }]),
  },
  '$patch: replace on a map replaces it': {
    kind: 'ConfigMap',
    target: { data: { a: '1', b: '2' } },
    patch: { data: { c: '3', $patch: 'replace' } },
    want: { data: { c: '3' } },
  },
  'lists without a merge key are replaced': {
    kind: 'Pod',
    target: pod([{ name: 'a', args: ['1', '2'] }]),
    patch: pod([{ name: 'a', args: ['3'] }]),
    want: pod([{ name: 'a', args: ['3'] }]),
  },
  'ownerReferences merge by uid, conditions by type': {
    kind: 'Deployment',
    target: { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] }, status: { conditions: [{ type: 'Available', status: 'False' }] } },
    patch: { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] }, status: { conditions: [{ type: 'Available', status: 'True' }] } },
    want: { metadata: { ownerReferences: [{ uid: '1', name: 'a' }, { uid: '2', name: 'b' }] }, status: { conditions: [{ type: 'Available', status: 'True' }] } },
  },
  'finalizers merge as a set; $deleteFromPrimitiveList removes': {
    kind: 'ConfigMap',
    target: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: { metadata: { finalizers: ['a', 'c'] } },
  },
  'service ports merge by port; null deletes a key': {
    kind: 'Service',
    target: { spec: { ports: [{ port: 80, name: 'http' }], selector: { a: 'b' } } },
    patch: { spec: { ports: [{ port: 80, targetPort: 8080 }], selector: null } },
    want: { spec: { ports: [{ port: 80, name: 'http', targetPort: 8080 }] } },
  },
  '$setElementOrder reorders': {
    kind: 'Pod',
    target: pod([{ name: 'a' }, { name: 'b' }]),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } },
    want: pod([{ name: 'b' }, { name: 'a' }]),
  },
};

describe('local patch: strategic merge', () => {
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => assert.deepEqual(applyStrategicMergePatch(tc.target, tc.patch, tc.kind), tc.want));
  }
  it('merge patch replaces lists and deletes with null (RFC 7386)', () => {
    assert.deepEqual(applyMergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } }), { a: [3], b: { d: 2 } });
  });
  it('JSON patch add/remove/replace/move/copy/test (RFC 6902)', () => {
    const out = applyJsonPatch({ a: { b: 1 }, l: [1, 2] }, [
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'replace', path: '/a/b', value: 2 },
      { op: 'copy', from: '/a/b', path: '/c' },
      { op: 'move', from: '/c', path: '/d' },
      { op: 'remove', path: '/l/0' },
      { op: 'test', path: '/d', value: 2 },
    ]);
    assert.deepEqual(out, { a: { b: 2 }, l: [2, 3], d: 2 });
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]));
    assert.throws(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/zz' }]));
  });
});
