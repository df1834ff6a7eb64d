/** VirtualServices and DestinationRules written the way people write them: full of settings. */
import type { KubeObject } from '../../src/traffic/index.js';

/** The fields of the primary http route a person wrote, each checked after every write. */
export const PRIMARY_ROUTE_FIELDS = ['name', 'match', 'retries', 'timeout', 'fault', 'mirror', 'mirrorPercentage', 'corsPolicy', 'rewrite', 'headers'] as const;

/** A host-level VirtualService with http (two routes), tls and tcp routes. */
export function reviewsVirtualService(name = 'reviews', apiVersion = 'networking.istio.io/v1beta1'): KubeObject {
  return {
    apiVersion,
    kind: 'VirtualService',
    metadata: { name, labels: { team: 'shop' }, annotations: { 'example.com/owner': 'alice' } },
    spec: {
      hosts: ['reviews.example.com', 'reviews'],
      gateways: ['shop/public', 'mesh'],
      exportTo: ['.'],
      http: [
        {
          name: 'primary',
          match: [{ uri: { prefix: '/api' }, headers: { 'x-tenant': { exact: 'acme' } } }, { uri: { exact: '/health' } }],
          route: [
            { destination: { host: 'reviews-stable', port: { number: 8080 } }, weight: 100, headers: { request: { set: { 'x-track': 'stable' } } } },
            { destination: { host: 'reviews-canary.shop.svc.cluster.local', port: { number: 8080 } }, weight: 0, headers: { response: { add: { 'x-track': 'canary' } } } },
          ],
          retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' },
          timeout: '10s',
          fault: { delay: { percentage: { value: 0.1 }, fixedDelay: '5s' }, abort: { percentage: { value: 0.01 }, httpStatus: 503 } },
          mirror: { host: 'shadow', port: { number: 80 } },
          mirrorPercentage: { value: 5 },
          corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET', 'POST'], maxAge: '24h' },
          rewrite: { uri: '/v1/api' },
          headers: { request: { remove: ['x-debug'] } },
        },
        { name: 'static', match: [{ uri: { prefix: '/static' } }], route: [{ destination: { host: 'cdn-proxy' } }], timeout: '3s' },
      ],
      tls: [
        {
          match: [{ port: 443, sniHosts: ['reviews.example.com'] }],
          route: [
            { destination: { host: 'reviews-stable', port: { number: 8443 } }, weight: 100 },
            { destination: { host: 'reviews-canary', port: { number: 8443 } }, weight: 0 },
          ],
        },
      ],
      tcp: [
        {
          match: [{ port: 3306 }],
          route: [
            { destination: { host: 'reviews-stable', port: { number: 3306 } }, weight: 100 },
            { destination: { host: 'reviews-canary', port: { number: 3306 } }, weight: 0 },
          ],
        },
      ],
    },
  };
}

/** A subset-level VirtualService (one host, two subsets) with a single unnamed http route. */
export function subsetVirtualService(name = 'ratings'): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name },
    spec: {
      hosts: ['ratings'],
      http: [
        {
          route: [
            { destination: { host: 'ratings', subset: 'stable' }, weight: 100 },
            { destination: { host: 'ratings', subset: 'canary' }, weight: 0 },
          ],
          retries: { attempts: 2 },
        },
      ],
    },
  };
}

/** The DestinationRule for {@link subsetVirtualService}, with traffic policies to keep. */
export function ratingsDestinationRule(name = 'ratings'): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name },
    spec: {
      host: 'ratings',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, connectionPool: { tcp: { maxConnections: 100 } } },
      subsets: [
        { name: 'stable', labels: { app: 'ratings' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } },
        { name: 'canary', labels: { app: 'ratings' } },
        { name: 'legacy', labels: { version: 'v0' } },
      ],
    },
  };
}

/** A copy with every destination weight in http/tls/tcp routes removed. */
export function withoutWeights(vs: KubeObject): KubeObject {
  const copy = structuredClone(vs);
  const spec = copy['spec'] as Record<string, unknown>;
  for (const kind of ['http', 'tls', 'tcp']) {
    for (const route of (spec[kind] as Array<{ route?: Array<Record<string, unknown>> }> | undefined) ?? []) {
      for (const d of route.route ?? []) delete d['weight'];
    }
  }
  return copy;
}
