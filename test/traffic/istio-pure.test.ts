import assert from 'node:assert/strict';
import { findWeightedRoutes, destinationProblems } from '../../src/traffic/istio/routes.js';
import { readIstioWeights, withIstioWeights } from '../../src/traffic/istio/weights.js';
import { headerHttpRoute, mirrorHttpRoute, withManagedRoute, withoutRoutes } from '../../src/traffic/istio/managed-routes.js';
import { withSubsetHashes, destinationRuleProblems } from '../../src/traffic/istio/destination-rule.js';
import type { IstioTargets } from '../../src/traffic/istio/targets.js';
import type { IstioVirtualServiceRef, KubeObject } from '../../src/traffic/index.js';
import { ratingsDestinationRule, reviewsVirtualService, subsetVirtualService, withoutWeights } from './istio-fixtures.js';

const hostTargets: IstioTargets = { canaryService: 'reviews-canary', stableService: 'reviews-stable', managedRoutes: ['hdr', 'mir'] };
const subsetTargets: IstioTargets = { canaryService: '', stableService: '', subsets: { canary: 'canary', stable: 'stable' }, managedRoutes: [] };
const ref: IstioVirtualServiceRef = { name: 'reviews', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['reviews.example.com'] }], tcpRoutes: [{ port: 3306 }] };
const FIELD = 'spec.strategy.canary.trafficRouting.istio.virtualService';

type Http = { spec: { http: Array<{ name?: string; route: Array<{ weight?: number }> }> } };

describe('traffic/istio (pure)', () => {
  describe('withIstioWeights: host-level, http + tls + tcp', () => {
    const cases: Record<string, { w: number; max: number; canary: number; stable: number }> = {
      'weight 0': { w: 0, max: 100, canary: 0, stable: 100 },
      'weight 5': { w: 5, max: 100, canary: 5, stable: 95 },
      'weight 50': { w: 50, max: 100, canary: 50, stable: 50 },
      'weight 100': { w: 100, max: 100, canary: 100, stable: 0 },
      'weight 250 of maxWeight 1000': { w: 250, max: 1000, canary: 250, stable: 750 },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const vs = reviewsVirtualService();
        const { routes, problems } = findWeightedRoutes(vs, ref, hostTargets, FIELD);
        assert.deepEqual(problems, []);
        assert.deepEqual(routes, { http: [0], tls: [0], tcp: [0] });
        const next = withIstioWeights(vs, routes, hostTargets, tc.w, tc.max);
        assert.deepEqual(readIstioWeights(next, routes, hostTargets), [
          { canary: tc.canary, stable: tc.stable },
          { canary: tc.canary, stable: tc.stable },
          { canary: tc.canary, stable: tc.stable },
        ]);
        assert.deepEqual(withoutWeights(next), withoutWeights(vs), 'only weights change');
        assert.deepEqual(vs, reviewsVirtualService(), 'input not mutated');
      });
    }
  });

  it('subset-level routing weights by subset name', () => {
    const vs = subsetVirtualService();
    const { routes, problems } = findWeightedRoutes(vs, { name: 'ratings' }, subsetTargets, FIELD);
    assert.deepEqual(problems, []);
    const next = withIstioWeights(vs, routes, subsetTargets, 30, 100) as unknown as Http;
    assert.deepEqual(next.spec.http[0]!.route.map((d) => d.weight), [70, 30]);
  });

  describe('findWeightedRoutes problems', () => {
    const cases: Record<string, { vs: KubeObject; ref: IstioVirtualServiceRef; want: Array<{ field: string; message: RegExp }> }> = {
      'a route name that does not exist, naming those that do': {
        vs: reviewsVirtualService(),
        ref: { name: 'reviews', routes: ['primary', 'main'] },
        want: [{ field: `${FIELD}.routes[1]`, message: /^route "main" not found in VirtualService "reviews"; it has: primary, static$/ }],
      },
      'no names and more than one http route': {
        vs: reviewsVirtualService(),
        ref: { name: 'reviews' },
        want: [{ field: `${FIELD}.routes`, message: /has 2 http routes \(primary, static\); list the ones to weight in routes/ }],
      },
      'a tls route that matches nothing': {
        vs: reviewsVirtualService(),
        ref: { name: 'reviews', routes: ['primary'], tlsRoutes: [{ port: 8443 }] },
        want: [{ field: `${FIELD}.tlsRoutes[0]`, message: /no tls route .* matches port 8443/ }],
      },
      'a tcp route that matches nothing': {
        vs: reviewsVirtualService(),
        ref: { name: 'reviews', routes: ['primary'], tcpRoutes: [{ port: 5432 }] },
        want: [{ field: `${FIELD}.tcpRoutes[0]`, message: /no tcp route .* matches port 5432/ }],
      },
      'a weighted route that is also a managed route': {
        vs: reviewsVirtualService(),
        ref: { name: 'reviews', routes: ['hdr'] },
        want: [{ field: `${FIELD}.routes[0]`, message: /also listed in managedRoutes/ }],
      },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const { problems } = findWeightedRoutes(tc.vs, tc.ref, hostTargets, FIELD);
        assert.equal(problems.length, tc.want.length, JSON.stringify(problems));
        tc.want.forEach((w, i) => {
          assert.equal(problems[i]!.field, w.field);
          assert.match(problems[i]!.message, w.message);
        });
      });
    }

    it('a single unnamed route is used when no names are given', () => {
      const { routes, problems } = findWeightedRoutes(subsetVirtualService(), { name: 'ratings' }, subsetTargets, FIELD);
      assert.deepEqual(problems, []);
      assert.deepEqual(routes.http, [0]);
    });

    it('destinations that are not the stable/canary services', () => {
      const vs = reviewsVirtualService();
      const problems = destinationProblems(vs, { http: [1], tls: [], tcp: [] }, hostTargets, FIELD);
      assert.deepEqual(problems.map((p) => p.message), [
        'http route "static" of VirtualService "reviews" has no destination for the canary Service "reviews-canary"',
        'http route "static" of VirtualService "reviews" has no destination for the stable Service "reviews-stable"',
        'http route "static" of VirtualService "reviews" also routes to cdn-proxy, which is neither the canary nor the stable destination; weights would not add up. Move it to its own route',
      ]);
    });

    it('subset routing: the route lacks the canary subset', () => {
      const vs = subsetVirtualService();
      const problems = destinationProblems(vs, { http: [0], tls: [], tcp: [] }, { ...subsetTargets, subsets: { canary: 'preview', stable: 'stable' } }, FIELD);
      assert.equal(problems.length, 2);
      assert.match(problems[0]!.message, /no destination for the subset "preview"/);
    });
  });

  describe('managed routes', () => {
    const routes = { http: [0], tls: [], tcp: [] };
    it('a header route goes on top and sends matching requests to the canary destination', () => {
      const vs = reviewsVirtualService();
      const hdr = headerHttpRoute(vs, routes, hostTargets, { name: 'hdr', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] });
      assert.deepEqual(hdr, {
        name: 'hdr',
        match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
        route: [{ destination: { host: 'reviews-canary.shop.svc.cluster.local', port: { number: 8080 } }, weight: 100 }],
      });
      const next = withManagedRoute(vs, hdr, hostTargets.managedRoutes) as unknown as Http;
      assert.deepEqual(next.spec.http.map((r) => r.name), ['hdr', 'primary', 'static']);
    });

    it('managed routes are ordered as managedRoutes lists them, whatever order they are set in', () => {
      let vs = reviewsVirtualService();
      const mir = mirrorHttpRoute(vs, routes, hostTargets, { name: 'mir', percentage: 20, match: [{ method: { exact: 'GET' }, path: { prefix: '/api' } }] });
      vs = withManagedRoute(vs, mir, hostTargets.managedRoutes);
      const hdr = headerHttpRoute(vs, { http: [1], tls: [], tcp: [] }, hostTargets, { name: 'hdr', match: [{ headerName: 'x-canary', headerValue: { prefix: 'y' } }] });
      vs = withManagedRoute(vs, hdr, hostTargets.managedRoutes);
      assert.deepEqual((vs as unknown as Http).spec.http.map((r) => r.name), ['hdr', 'mir', 'primary', 'static']);
      assert.deepEqual(withoutRoutes(vs, hostTargets.managedRoutes), reviewsVirtualService());
    });

    it('a mirror route copies the primary destinations and mirrors a percentage to the canary', () => {
      const vs = reviewsVirtualService();
      const mir = mirrorHttpRoute(vs, routes, hostTargets, { name: 'mir', percentage: 20, match: [{ method: { exact: 'GET' }, path: { prefix: '/api' }, headers: { 'x-a': { regex: 'b.*' } } }] });
      assert.deepEqual(mir['match'], [{ method: { exact: 'GET' }, uri: { prefix: '/api' }, headers: { 'x-a': { regex: 'b.*' } } }]);
      assert.deepEqual(mir['mirror'], { host: 'reviews-canary.shop.svc.cluster.local', port: { number: 8080 } });
      assert.deepEqual(mir['mirrorPercentage'], { value: 20 });
      assert.deepEqual(mir['route'], (vs as unknown as Http).spec.http[0]!.route);
    });
  });

  describe('DestinationRule subsets', () => {
    const drRef = { name: 'ratings', canarySubsetName: 'canary', stableSubsetName: 'stable' };
    it('sets the hash labels and keeps every other field', () => {
      const dr = ratingsDestinationRule();
      const next = withSubsetHashes(dr, drRef, 'c123', 's456', 'ratings') as unknown as { spec: { subsets: Array<{ labels: Record<string, string> }> } } & KubeObject;
      assert.deepEqual(next.spec.subsets.map((s) => s.labels), [
        { app: 'ratings', 'rollouts-pod-template-hash': 's456' },
        { app: 'ratings', 'rollouts-pod-template-hash': 'c123' },
        { version: 'v0' },
      ]);
      assert.equal(next.metadata.annotations?.['sluice.dev/managed-by-rollouts'], 'ratings');
      const back = withSubsetHashes(next, drRef, undefined, undefined, 'ratings');
      delete back.metadata.annotations;
      assert.deepEqual(back, dr, 'removing the hashes gives back what the person wrote');
    });
    it('names a missing subset', () => {
      const problems = destinationRuleProblems(ratingsDestinationRule(), { ...drRef, canarySubsetName: 'preview' }, 'f');
      assert.deepEqual(problems, [{ field: 'f.canarySubsetName', message: 'subset "preview" not found in DestinationRule "ratings"; it has: stable, canary, legacy' }]);
    });
  });
});
