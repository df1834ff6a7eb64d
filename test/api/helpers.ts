// Builders of small valid manifests for the api tests; each call returns a fresh object.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

export type Obj = Record<string, unknown>;

/** A minimal valid canary Rollout; `canary` fields are merged into spec.strategy.canary. */
export function canaryRollout(canary: Obj = {}, spec: Obj = {}): Obj {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }], ...canary } },
      ...spec,
    },
  };
}

/** A canary Rollout with Istio routing and both services set. */
export function routedRollout(canary: Obj = {}): Obj {
  return canaryRollout({
    canaryService: 'web-canary',
    stableService: 'web-stable',
    trafficRouting: { istio: { virtualService: { name: 'web' } } },
    ...canary,
  });
}

/** A minimal valid blue-green Rollout. */
export function blueGreenRollout(blueGreen: Obj = {}): Obj {
  const r = canaryRollout();
  (r['spec'] as Obj)['strategy'] = { blueGreen: { activeService: 'web-active', ...blueGreen } };
  return r;
}

/** A minimal valid AnalysisTemplate with the given metrics (default: one Prometheus metric). */
export function template(spec: Obj = {}): Obj {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'success-rate', namespace: 'default' },
    spec: {
      metrics: [
        {
          name: 'success-rate',
          interval: '1m',
          successCondition: 'result[0] >= 0.95',
          provider: { prometheus: { address: 'http://prometheus:9090', query: 'sum(rate(x[1m]))' } },
        },
      ],
      ...spec,
    },
  };
}

/** The YAML documents of a fixture under test/api/fixtures. */
export function fixture(name: string): Obj[] {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}
