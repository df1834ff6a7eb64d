/** The demo's objects: Services, an Istio VirtualService, an error-rate template, the Rollout. */

export const NS = 'default';
export const APP = 'checkout';

export function services(): object[] {
  return ['stable', 'canary'].map((role) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${APP}-${role}`, namespace: NS },
    spec: { selector: { app: APP }, ports: [{ port: 80, targetPort: 8080 }] },
  }));
}

export function virtualService(): object {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: APP, namespace: NS },
    spec: {
      hosts: [APP],
      http: [
        {
          name: 'primary',
          retries: { attempts: 3, perTryTimeout: '2s' },
          route: [
            { destination: { host: `${APP}-stable` }, weight: 100 },
            { destination: { host: `${APP}-canary` }, weight: 0 },
          ],
        },
      ],
    },
  };
}

/** The error-rate gate: the canary's 5xx ratio under 5%, with at least 20 requests behind it, after 5m of traffic. */
export function analysisTemplate(prometheus: string): object {
  const sel = `service="${APP}",version="{{args.canary-hash}}"`;
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'error-rate', namespace: NS },
    spec: {
      args: [{ name: 'canary-hash' }],
      metrics: [
        {
          name: 'error-rate',
          interval: '1m',
          initialDelay: '5m',
          inconclusiveLimit: 2,
          successCondition: 'result[0] < 0.05',
          failureLimit: 0,
          provider: {
            prometheus: {
              address: prometheus,
              query: `sum(rate(http_requests_total{${sel},code=~"5.."}[1m])) / sum(rate(http_requests_total{${sel}}[1m]))`,
            },
          },
          minSamples: { query: `sum(increase(http_requests_total{${sel}}[1m]))`, min: 20 },
        },
      ],
    },
  };
}

export function rollout(image: string): object {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: APP, namespace: NS },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: APP } },
      template: { metadata: { labels: { app: APP } }, spec: { containers: [{ name: 'app', image }] } },
      strategy: {
        canary: {
          canaryService: `${APP}-canary`,
          stableService: `${APP}-stable`,
          trafficRouting: { istio: { virtualService: { name: APP, routes: ['primary'] } } },
          steps: [
            { setWeight: 5 },
            {
              bake: {
                duration: '30m',
                analysis: { templates: [{ templateName: 'error-rate' }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] },
              },
            },
            { setWeight: 50 },
            { setWeight: 100 },
          ],
        },
      },
    },
  };
}
