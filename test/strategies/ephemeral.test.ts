import assert from 'node:assert/strict';
import { planEphemeral, type MetaView } from '../../src/strategies/ephemeral.js';

const view = (name: string, hash: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): MetaView => ({ name, hash, labels, annotations });
const canary = { labels: { role: 'canary' }, annotations: { 'sluice.dev/role': 'canary' } };
const stable = { labels: { role: 'stable' } };

describe('ephemeral metadata (canaryMetadata, stableMetadata)', () => {
  it('marks canary and stable by role and clears the keys on older ReplicaSets', () => {
    const got = planEphemeral({
      canaryHash: 'new',
      stableHash: 'old',
      canary,
      stable,
      replicaSets: [view('rs-new', 'new', { app: 'a' }), view('rs-old', 'old', { app: 'a', role: 'stable' }), view('rs-older', 'older', { app: 'a', role: 'canary' })],
      pods: [view('p1', 'new', { app: 'a', role: 'stable' }), view('p2', 'old', { app: 'a', role: 'stable' })],
    });
    assert.deepEqual(got.replicaSets, [
      { name: 'rs-new', labels: { role: 'canary' }, annotations: { 'sluice.dev/role': 'canary' } },
      { name: 'rs-older', labels: { role: null }, annotations: {} },
    ]);
    assert.deepEqual(got.pods, [{ name: 'p1', labels: { role: 'canary' }, annotations: { 'sluice.dev/role': 'canary' } }]);
  });

  it('at promotion the canary pods take the stable metadata, and the canary-only keys go', () => {
    const got = planEphemeral({
      canaryHash: 'new',
      stableHash: 'new',
      canary,
      stable,
      replicaSets: [],
      pods: [view('p1', 'new', { role: 'canary' }, { 'sluice.dev/role': 'canary' })],
    });
    assert.deepEqual(got.pods, [{ name: 'p1', labels: { role: 'stable' }, annotations: { 'sluice.dev/role': null } }]);
  });

  it('does nothing when neither is set, or when everything matches', () => {
    assert.deepEqual(planEphemeral({ canaryHash: 'a', stableHash: 'b', replicaSets: [view('r', 'a')], pods: [] }), { replicaSets: [], pods: [] });
    const ok = planEphemeral({ canaryHash: 'a', stableHash: 'b', canary, stable, replicaSets: [view('r', 'a', { role: 'canary' }, { 'sluice.dev/role': 'canary' })], pods: [] });
    assert.deepEqual(ok, { replicaSets: [], pods: [] });
  });
});
