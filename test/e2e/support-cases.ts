/**
 * The router cases the end-to-end scenarios run against: how to write each router's objects
 * for a rollout named `app`, and how to read the weights back from them.
 */
import assert from 'node:assert/strict';
import { HASH, NS, readObject, type RouterCase, type Weights } from './support-routers.js';
import { eventually, type Obj } from './support.js';

function pick(entries: Array<{ key: string; weight: number }>, canary: string, stable: string): Weights | undefined {
  const c = entries.find((e) => e.key === canary);
  const s = entries.find((e) => e.key === stable);
  if (!c || !s) return undefined;
  return { canary: c.weight, stable: s.weight };
}

function primaryRoute(vs: Obj): Obj[] {
  return ((vs.spec?.http ?? []) as Obj[]).find((r) => r.name === 'primary')?.route ?? [];
}

/** Istio, host-level: the `primary` route splits between the canary and stable Services. */
export const istioHost: RouterCase = {
  label: 'Istio VirtualService (host-level)',
  trafficRouting: (app) => ({ istio: { virtualService: { name: app, routes: ['primary'] } }, managedRoutes: [{ name: 'beta' }] }),
  objects: (app) => [
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: app, namespace: NS },
      spec: {
        hosts: [app],
        http: [
          {
            name: 'primary',
            retries: { attempts: 3, perTryTimeout: '2s' },
            route: [
              { destination: { host: `${app}-stable` }, weight: 100 },
              { destination: { host: `${app}-canary` }, weight: 0 },
            ],
          },
        ],
      },
    },
  ],
  watchPath: `/apis/networking.istio.io/v1beta1/namespaces/${NS}/virtualservices`,
  routeName: (app) => app,
  weights: (vs, app) => pick(primaryRoute(vs).map((r) => ({ key: r.destination?.host, weight: r.weight ?? 0 })), `${app}-canary`, `${app}-stable`),
  managedRoutes: (vs) => ((vs.spec?.http ?? []) as Obj[]).map((r) => r.name as string).filter((n) => n !== 'primary'),
  headerRoute: true,
  // What the user wrote on the route stays.
  check: async (env, app) => {
    const vs = await readObject(env, `/apis/networking.istio.io/v1beta1/namespaces/${NS}/virtualservices`, app);
    const primary = ((vs?.spec?.http ?? []) as Obj[]).find((r) => r.name === 'primary');
    assert.deepEqual(primary?.retries, { attempts: 3, perTryTimeout: '2s' });
  },
};

/** Istio, subset-level: one host, subsets `stable`/`canary` of a DestinationRule. */
export const istioSubset: RouterCase = {
  label: 'Istio VirtualService + DestinationRule (subset-level)',
  trafficRouting: (app) => ({
    istio: { virtualService: { name: app, routes: ['primary'] }, destinationRule: { name: app, canarySubsetName: 'canary', stableSubsetName: 'stable' } },
    managedRoutes: [{ name: 'beta' }],
  }),
  objects: (app) => [
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: app, namespace: NS },
      spec: {
        hosts: [app],
        http: [
          {
            name: 'primary',
            timeout: '10s',
            route: [
              { destination: { host: app, subset: 'stable' }, weight: 100 },
              { destination: { host: app, subset: 'canary' }, weight: 0 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata: { name: app, namespace: NS },
      spec: {
        host: app,
        trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } } },
        subsets: [
          { name: 'stable', labels: { app } },
          { name: 'canary', labels: { app } },
        ],
      },
    },
  ],
  watchPath: `/apis/networking.istio.io/v1beta1/namespaces/${NS}/virtualservices`,
  routeName: (app) => app,
  weights: (vs) => pick(primaryRoute(vs).map((r) => ({ key: r.destination?.subset, weight: r.weight ?? 0 })), 'canary', 'stable'),
  managedRoutes: (vs) => ((vs.spec?.http ?? []) as Obj[]).map((r) => r.name as string).filter((n) => n !== 'primary'),
  headerRoute: true,
  // The subsets select by pod-template hash; the user's traffic policy stays.
  check: async (env, app, hashes) => {
    const dr = await eventually(async () => {
      const d = await readObject(env, `/apis/networking.istio.io/v1beta1/namespaces/${NS}/destinationrules`, app);
      const got = Object.fromEntries(((d?.spec?.subsets ?? []) as Obj[]).map((x) => [x.name, x.labels?.[HASH]]));
      return got['canary'] === hashes.canary && got['stable'] === hashes.stable && d;
    }, `DestinationRule subsets on canary ${hashes.canary}, stable ${hashes.stable}`);
    assert.deepEqual(dr.spec.trafficPolicy, { connectionPool: { tcp: { maxConnections: 100 } } });
    for (const sub of dr.spec.subsets as Obj[]) assert.equal(sub.labels.app, app, 'the user\'s subset labels stay');
  },
};

/** NGINX Ingress: Sluice generates `<app>-<app>-canary` with the canary-weight annotation. */
export const nginx: RouterCase = {
  label: 'NGINX Ingress',
  trafficRouting: (app) => ({ nginx: { stableIngress: app } }),
  objects: (app) => [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: app, namespace: NS, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: `${app}-stable`, port: { name: 'http' } } } }] } }],
      },
    },
  ],
  watchPath: `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`,
  routeName: (app) => `${app}-${app}-canary`,
  weights: (ing) => {
    const a = (ing.metadata?.annotations ?? {}) as Record<string, string>;
    if (a['nginx.ingress.kubernetes.io/canary'] !== 'true') return undefined;
    const w = Number(a['nginx.ingress.kubernetes.io/canary-weight'] ?? 0);
    const total = Number(a['nginx.ingress.kubernetes.io/canary-weight-total'] ?? 100);
    return { canary: w, stable: total - w };
  },
  removedAfterPromotion: true,
  // The stable Ingress is the user's: never written.
  check: async (env, app) => {
    const ing = await readObject(env, `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, app);
    assert.deepEqual(ing?.metadata?.annotations, { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' });
    assert.equal(ing?.metadata?.generation, 1, 'stable Ingress never written');
  },
};

/** Gateway API: the HTTPRoute rule that references both Services. */
export const gatewayApi: RouterCase = {
  label: 'Gateway API HTTPRoute',
  trafficRouting: (app) => ({ gatewayAPI: { httpRoutes: [{ name: app, useHeaderRoutes: true }] }, managedRoutes: [{ name: 'beta' }] }),
  objects: (app) => [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: app, namespace: NS },
      spec: {
        parentRefs: [{ name: 'public' }],
        hostnames: [`${app}.example.com`],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [
              { name: `${app}-stable`, port: 80, weight: 100 },
              { name: `${app}-canary`, port: 80, weight: 0 },
            ],
            timeouts: { request: '10s' },
          },
        ],
      },
    },
  ],
  watchPath: `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes`,
  routeName: (app) => app,
  weights: (route, app) => {
    for (const rule of (route.spec?.rules ?? []) as Obj[]) {
      const w = pick(((rule.backendRefs ?? []) as Obj[]).map((b) => ({ key: b.name, weight: b.weight ?? 1 })), `${app}-canary`, `${app}-stable`);
      if (w) return w;
    }
    return undefined;
  },
  managedRoutes: (route) => {
    const raw = route.metadata?.annotations?.['sluice.dev/managed-rules'];
    return raw ? (JSON.parse(raw) as Array<{ name: string }>).map((m) => m.name) : [];
  },
  headerRoute: true,
  check: async (env, app) => {
    const route = await readObject(env, `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes`, app);
    assert.deepEqual(((route?.spec?.rules ?? []) as Obj[]).find((r) => r.timeouts)?.timeouts, { request: '10s' });
  },
};

/** SMI: Sluice creates and owns the TrafficSplit `<app>` for the root Service `<app>`. */
export const smi: RouterCase = {
  label: 'SMI TrafficSplit',
  trafficRouting: (app) => ({ smi: { rootService: app, trafficSplitName: app } }),
  objects: (app) => [{ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: NS }, spec: { selector: { app }, ports: [{ port: 80 }] } }],
  watchPath: `/apis/split.smi-spec.io/v1alpha2/namespaces/${NS}/trafficsplits`,
  routeName: (app) => app,
  weights: (ts, app) => pick(((ts.spec?.backends ?? []) as Obj[]).map((b) => ({ key: b.service, weight: Number(b.weight) })), `${app}-canary`, `${app}-stable`),
};

/** No mesh: the replica ratio is the split; the Services still get the hash selector. */
export const basic: RouterCase = { label: 'no mesh (replica ratio)' };
