import assert from 'node:assert/strict';
import { formatFieldError, parseRollout, stepKind } from '../../src/api/index.js';
import type { Rollout } from '../../src/api/index.js';
import { blueGreenRollout, canaryRollout, routedRollout } from './helpers.js';
import type { Obj } from './helpers.js';

function ok(obj: unknown): Rollout {
  const r = parseRollout(obj);
  if (!r.ok) assert.fail(`expected a valid Rollout, got:\n${r.errors.map(formatFieldError).join('\n')}`);
  return r.value;
}

function messages(obj: unknown): string[] {
  const r = parseRollout(obj);
  assert.equal(r.ok, false, 'expected the Rollout to be rejected');
  return r.ok ? [] : r.errors.map(formatFieldError);
}

describe('api/rollout: defaults', () => {
  it('fills every spec default', () => {
    const ro = ok(canaryRollout());
    assert.equal(ro.spec.replicas, 1);
    assert.equal(ro.spec.revisionHistoryLimit, 10);
    assert.equal(ro.spec.progressDeadlineSeconds, 600);
    assert.equal(ro.spec.progressDeadlineAbort, false);
    assert.equal(ro.spec.minReadySeconds, 0);
    assert.equal(ro.spec.paused, false);
    assert.deepEqual(ro.spec.analysis, { successfulRunHistoryLimit: 5, unsuccessfulRunHistoryLimit: 5 });
    assert.equal(ro.metadata.generation, 0);
    assert.deepEqual(ro.metadata.labels, {});
    const c = ro.spec.strategy.canary;
    assert.ok(c);
    assert.equal(c.maxSurge, '25%');
    assert.equal(c.maxUnavailable, '25%');
    assert.equal(c.scaleDownDelaySeconds, 30);
    assert.equal(c.abortScaleDownDelaySeconds, 30);
    assert.equal(c.dynamicStableScale, false);
    assert.equal(c.canaryService, '');
    assert.equal(c.stableService, '');
  });

  it('fills blue-green defaults', () => {
    const bg = ok(blueGreenRollout()).spec.strategy.blueGreen;
    assert.ok(bg);
    assert.equal(bg.autoPromotionEnabled, true);
    assert.equal(bg.autoPromotionSeconds, 0);
    assert.equal(bg.scaleDownDelaySeconds, 30);
    assert.equal(bg.abortScaleDownDelaySeconds, 30);
    assert.equal(bg.maxUnavailable, '25%');
    assert.equal(bg.previewService, '');
  });

  it('fills step, routing and analysis defaults', () => {
    const ro = ok(
      routedRollout({
        steps: [
          { bake: {} },
          { pause: { duration: '90s' } },
          { analysis: { templates: [{ templateName: 'rate' }] } },
          { setMirrorRoute: { name: 'm' } },
        ],
        trafficRouting: { managedRoutes: [{ name: 'm' }], nginx: { stableIngress: 'web' } },
      }),
    );
    const c = ro.spec.strategy.canary;
    assert.ok(c?.trafficRouting);
    assert.deepEqual(c.steps[0], { bake: { duration: 1_800_000 } });
    assert.deepEqual(c.steps[1], { pause: { duration: 90_000 } });
    assert.deepEqual(c.steps[2]?.analysis?.templates, [{ templateName: 'rate', clusterScope: false }]);
    assert.deepEqual(c.steps[2]?.analysis?.args, []);
    assert.equal(c.steps[3]?.setMirrorRoute?.percentage, 100);
    assert.equal(c.trafficRouting.maxTrafficWeight, 100);
    assert.equal(c.trafficRouting.nginx?.annotationPrefix, 'nginx.ingress.kubernetes.io');
    assert.deepEqual(c.trafficRouting.nginx?.additionalIngressAnnotations, {});
    assert.deepEqual(c.steps.map(stepKind), ['bake', 'pause', 'analysis', 'setMirrorRoute']);
  });

  it('gives a missing status its zero values', () => {
    const s = ok(canaryRollout()).status;
    assert.equal(s.observedGeneration, 0);
    assert.equal(s.phase, undefined);
    assert.deepEqual(s.conditions, []);
    assert.equal(s.currentStepIndex, undefined);
    assert.equal(s.canary.weights, undefined);
    assert.equal(s.blueGreen.activeSelector, '');
  });

  it('does not change its input', () => {
    const input = routedRollout({ steps: [{ pause: { duration: '5m' } }, { bake: {} }] });
    const before = JSON.stringify(input);
    ok(input);
    assert.equal(JSON.stringify(input), before);
  });

  it('does not share default objects between parses', () => {
    const a = ok(canaryRollout());
    a.spec.template.metadata.annotations['x'] = 'y';
    a.spec.strategy.canary?.steps.push({ setWeight: 1 });
    const b = ok(canaryRollout());
    assert.deepEqual(b.spec.template.metadata.annotations, {});
    assert.equal(b.spec.strategy.canary?.steps.length, 2);
  });

  it('reads the argoproj-labs/gatewayAPI plugin config as gatewayAPI', () => {
    const ro = ok(routedRollout({ trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'web', namespace: 'edge' } } } }));
    assert.deepEqual(ro.spec.strategy.canary?.trafficRouting?.gatewayAPI, { httpRoute: 'web', httpRoutes: [], namespace: 'edge' });
  });

  it('accepts the built-in gatewayAPI router with several routes', () => {
    const ro = ok(routedRollout({ trafficRouting: { gatewayAPI: { httpRoutes: [{ name: 'a', useHeaderRoutes: true }, { name: 'b' }] } } }));
    assert.deepEqual(ro.spec.strategy.canary?.trafficRouting?.gatewayAPI?.httpRoutes, [
      { name: 'a', useHeaderRoutes: true },
      { name: 'b', useHeaderRoutes: false },
    ]);
  });

  it('accepts a workloadRef without selector and template', () => {
    const r = canaryRollout();
    const spec = r['spec'] as Obj;
    delete spec['selector'];
    delete spec['template'];
    spec['workloadRef'] = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
    const ro = ok(r);
    assert.equal(ro.spec.workloadRef?.scaleDown, 'never');
    assert.deepEqual(ro.spec.template.spec.containers, []);
  });

  it('accepts list items without apiVersion and kind', () => {
    const r = canaryRollout();
    delete r['apiVersion'];
    delete r['kind'];
    ok(r);
  });

  it('keeps unknown pod template fields as written', () => {
    const r = canaryRollout();
    const tpl = (r['spec'] as Obj)['template'] as Obj;
    (tpl['spec'] as Obj)['nodeSelector'] = { disk: 'ssd' };
    const ro = ok(r);
    assert.deepEqual((ro.spec.template.spec as Obj)['nodeSelector'], { disk: 'ssd' });
  });
});

describe('api/rollout: invalid specs', () => {
  const cases: Record<string, { obj: Obj; errors: string[] }> = {
    'setWeight above 100': {
      obj: canaryRollout({ steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 120 }] }),
      errors: ['spec.strategy.canary.steps[2].setWeight: must be between 0 and 100, got 120'],
    },
    'setWeight not a number': {
      obj: canaryRollout({ steps: [{ setWeight: 'ten' }] }),
      errors: ['spec.strategy.canary.steps[0].setWeight: must be between 0 and 100, got "ten"'],
    },
    'a step with two kinds': {
      obj: canaryRollout({ steps: [{ setWeight: 10, pause: {} }] }),
      errors: [
        'spec.strategy.canary.steps[0]: must set exactly one of setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute, plugin, bake, got setWeight, pause',
      ],
    },
    'an empty step': {
      obj: canaryRollout({ steps: [{}] }),
      errors: [
        'spec.strategy.canary.steps[0]: must set exactly one of setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute, plugin, bake, got none',
      ],
    },
    'both canary and blueGreen': {
      obj: canaryRollout({}, { strategy: { canary: {}, blueGreen: { activeService: 'a' } } }),
      errors: ['spec.strategy: must set exactly one of canary and blueGreen, got both'],
    },
    'neither canary nor blueGreen': {
      obj: canaryRollout({}, { strategy: {} }),
      errors: ['spec.strategy: must set exactly one of canary and blueGreen, got neither'],
    },
    'missing strategy': {
      obj: canaryRollout({}, { strategy: undefined }),
      errors: ['spec.strategy: is required'],
    },
    'bad pause duration': {
      obj: canaryRollout({ steps: [{ pause: { duration: '5 minutes' } }] }),
      errors: ['spec.strategy.canary.steps[0].pause.duration: must be a duration such as "30s", "5m", "1h30m" or a number of seconds, got "5 minutes"'],
    },
    'zero bake duration': {
      obj: canaryRollout({ steps: [{ bake: { duration: 0 } }] }),
      errors: ['spec.strategy.canary.steps[0].bake.duration: must be greater than 0, e.g. "30m"'],
    },
    'bake analysis without templates': {
      obj: canaryRollout({ steps: [{ bake: { duration: '10m', analysis: {} } }] }),
      errors: ['spec.strategy.canary.steps[0].bake.analysis.templates: must name at least one AnalysisTemplate (templates: [{templateName: ...}])'],
    },
    'setHeaderRoute without trafficRouting': {
      obj: canaryRollout({ steps: [{ setHeaderRoute: { name: 'h', match: [{ headerName: 'x', headerValue: { exact: '1' } }] } }] }),
      errors: ['spec.strategy.canary.steps[0].setHeaderRoute: needs spec.strategy.canary.trafficRouting (setHeaderRoute changes routes on the traffic router)'],
    },
    'setMirrorRoute not in managedRoutes': {
      obj: routedRollout({ steps: [{ setMirrorRoute: { name: 'mirror' } }] }),
      errors: ['spec.strategy.canary.steps[0].setMirrorRoute.name: must be listed in spec.strategy.canary.trafficRouting.managedRoutes, got "mirror"'],
    },
    'header match with two kinds': {
      obj: routedRollout({
        trafficRouting: { istio: { virtualService: { name: 'web' } }, managedRoutes: [{ name: 'h' }] },
        steps: [{ setHeaderRoute: { name: 'h', match: [{ headerName: 'x', headerValue: { exact: '1', prefix: '1' } }] } }],
      }),
      errors: ['spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerValue: must set exactly one of exact, prefix, regex, got exact, prefix'],
    },
    'trafficRouting without services': {
      obj: canaryRollout({ trafficRouting: { istio: { virtualService: { name: 'web' } } } }),
      errors: [
        'spec.strategy.canary.canaryService: is required when trafficRouting is set: name the Service that selects only canary pods',
        'spec.strategy.canary.stableService: is required when trafficRouting is set: name the Service that selects only stable pods',
      ],
    },
    'trafficRouting without a router': {
      obj: routedRollout({ trafficRouting: { managedRoutes: [] } }),
      errors: ['spec.strategy.canary.trafficRouting: must configure a router: one of istio, nginx, smi, gatewayAPI'],
    },
    'unsupported Argo router': {
      obj: routedRollout({ trafficRouting: { alb: { ingress: 'web', servicePort: 80 } } }),
      errors: [
        'spec.strategy.canary.trafficRouting.alb: is not supported by Sluice; use one of istio, nginx, smi, gatewayAPI',
        'spec.strategy.canary.trafficRouting: must configure a router: one of istio, nginx, smi, gatewayAPI',
      ],
    },
    'istio with both virtualService forms': {
      obj: routedRollout({ trafficRouting: { istio: { virtualService: { name: 'a' }, virtualServices: [{ name: 'b' }] } } }),
      errors: ['spec.strategy.canary.trafficRouting.istio: must set exactly one of virtualService and virtualServices, got both'],
    },
    'nginx without an ingress': {
      obj: routedRollout({ trafficRouting: { nginx: {} } }),
      errors: ['spec.strategy.canary.trafficRouting.nginx: must set exactly one of stableIngress and stableIngresses, got neither'],
    },
    'setCanaryScale with two fields': {
      obj: canaryRollout({ steps: [{ setCanaryScale: { weight: 10, replicas: 2 } }] }),
      errors: ['spec.strategy.canary.steps[0].setCanaryScale: must set exactly one of weight, replicas, matchTrafficWeight, got weight, replicas'],
    },
    'maxSurge not a percentage': {
      obj: canaryRollout({ maxSurge: '25 percent' }),
      errors: ['spec.strategy.canary.maxSurge: must be a non-negative integer or a percentage like "25%", got "25 percent"'],
    },
    'maxSurge and maxUnavailable both 0': {
      obj: canaryRollout({ maxSurge: 0, maxUnavailable: 0 }),
      errors: ['spec.strategy.canary.maxUnavailable: must not be 0 when maxSurge is 0, or the rollout could never make progress'],
    },
    'negative replicas': {
      obj: canaryRollout({}, { replicas: -1 }),
      errors: ['spec.replicas: must be >= 0, got -1'],
    },
    'selector does not match template': {
      obj: canaryRollout({}, { selector: { matchLabels: { app: 'api' } } }),
      errors: ['spec.selector.matchLabels.app: must match spec.template.metadata.labels, got "api" but the template has "web"'],
    },
    'missing selector': {
      obj: canaryRollout({}, { selector: undefined }),
      errors: ['spec.selector: is required unless spec.workloadRef is set'],
    },
    'no containers': {
      obj: canaryRollout({}, { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } }),
      errors: ['spec.template.spec.containers: must list at least one container (or set spec.workloadRef)'],
    },
    'bad workloadRef scaleDown': {
      obj: canaryRollout({}, { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown: 'always' } }),
      errors: ['spec.workloadRef.scaleDown: must be one of "never", "onsuccess", "progressively", got "always"'],
    },
    'analysis arg with value and valueFrom': {
      obj: canaryRollout({
        steps: [{ analysis: { templates: [{ templateName: 't' }], args: [{ name: 'a', value: 'x', valueFrom: { podTemplateHashValue: 'Stable' } }] } }],
      }),
      errors: ['spec.strategy.canary.steps[0].analysis.args[0]: must set one of value and valueFrom, got both (arg "a")'],
    },
    'bad podTemplateHashValue': {
      obj: canaryRollout({ steps: [{ analysis: { templates: [{ templateName: 't' }], args: [{ name: 'a', valueFrom: { podTemplateHashValue: 'Canary' } }] } }] }),
      errors: ['spec.strategy.canary.steps[0].analysis.args[0].valueFrom.podTemplateHashValue: must be one of "Stable", "Latest", got "Canary"'],
    },
    'background analysis starting after the last step': {
      obj: canaryRollout({ analysis: { templates: [{ templateName: 't' }], startingStep: 5 } }),
      errors: ['spec.strategy.canary.analysis.startingStep: must be between 0 and 2 (the number of steps), got 5'],
    },
    'blue-green without activeService': {
      obj: blueGreenRollout({ activeService: undefined }),
      errors: ['spec.strategy.blueGreen.activeService: is required'],
    },
    'blue-green preview equals active': {
      obj: blueGreenRollout({ previewService: 'web-active' }),
      errors: ['spec.strategy.blueGreen.previewService: must differ from activeService, both are "web-active"'],
    },
    'Argo apiVersion': {
      obj: { ...canaryRollout(), apiVersion: 'argoproj.io/v1alpha1' },
      errors: ['apiVersion: must be sluice.dev/v1alpha1, got "argoproj.io/v1alpha1" (to migrate from Argo Rollouts, change apiVersion to sluice.dev/v1alpha1)'],
    },
    'wrong kind': {
      obj: { ...canaryRollout(), kind: 'Deployment' },
      errors: ['kind: must be Rollout, got "Deployment"'],
    },
    'missing metadata name': {
      obj: { ...canaryRollout(), metadata: {} },
      errors: ['metadata.name: is required'],
    },
    'an experiment step is refused, not skipped': {
      obj: canaryRollout({ steps: [{ setWeight: 20 }, { experiment: { templates: [{ name: 'baseline', specRef: 'stable' }] } }] }),
      errors: ['spec.strategy.canary.steps[1].experiment: is not supported by Sluice (it runs no Experiments); judge the canary with an analysis or bake step instead'],
    },
    'a plugin step is refused, not skipped': {
      obj: canaryRollout({ steps: [{ plugin: { name: 'acme/step', config: {} } }] }),
      errors: ['spec.strategy.canary.steps[0].plugin: is not supported by Sluice (it runs no step plugins); remove the step or use an analysis step'],
    },
    'pingPong needs the ALB router': {
      obj: routedRollout({ pingPong: { pingService: 'ping', pongService: 'pong' } }),
      errors: ['spec.strategy.canary.pingPong: works only with the AWS ALB traffic router (as in Argo Rollouts), which Sluice does not support; use canaryService and stableService'],
    },
    'unsupported traffic plugin': {
      obj: routedRollout({ trafficRouting: { istio: { virtualService: { name: 'web' } }, plugins: { 'acme/router': {} } } }),
      errors: ['spec.strategy.canary.trafficRouting.plugins["acme/router"]: is not supported by Sluice; the only plugin understood is argoproj-labs/gatewayAPI (or use the built-in gatewayAPI field)'],
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => assert.deepEqual(messages(tc.obj), tc.errors));
  }

  it('rejects a value that is not an object', () => {
    assert.deepEqual(messages('nope'), ['a Rollout must be an object, got string']);
  });
});
