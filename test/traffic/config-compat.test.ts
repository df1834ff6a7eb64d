import assert from 'node:assert/strict';
import { TrafficRoutingSchema, type TrafficRouting } from '../../src/api/traffic.js';
import { createRouters, type TrafficRoutingConfig } from '../../src/traffic/index.js';
import { KubeConfig } from '@kubernetes/client-node';

/** Compile-time: the parsed Rollout's trafficRouting is accepted as the routers' config. */
const accepts = (t: TrafficRouting): TrafficRoutingConfig => t;

describe('traffic/config compatibility with src/api', () => {
  it('a parsed trafficRouting (defaults filled in) builds the same routers', () => {
    const parsed = TrafficRoutingSchema.parse({
      istio: { virtualService: { name: 'reviews', routes: ['primary'] }, destinationRule: { name: 'reviews', canarySubsetName: 'canary', stableSubsetName: 'stable' } },
      nginx: { stableIngress: 'reviews' },
      smi: {},
      gatewayAPI: { httpRoute: 'reviews' },
      managedRoutes: [{ name: 'hdr' }],
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromClusterAndUser({ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }, { name: 'u' });
    const ctx = { kubeConfig, namespace: 'shop', rolloutName: 'reviews', rolloutUid: 'u', canaryService: 'c', stableService: 's', maxWeight: parsed.maxTrafficWeight, fieldManager: 'sluice-controller' as const };
    assert.deepEqual(createRouters(accepts(parsed), ctx).map((r) => r.type), ['istio', 'nginx', 'gatewayAPI', 'smi']);
  });
});
