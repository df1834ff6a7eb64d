import assert from 'node:assert/strict';
import { formatFieldError, parseAnalysisTemplate, parseRollout, stepKind } from '../../src/api/index.js';
import { fixture } from './helpers.js';
import type { Obj } from './helpers.js';

/** The same manifest as Argo Rollouts users have it. */
function asArgo(o: Obj): Obj {
  return { ...o, apiVersion: 'argoproj.io/v1alpha1' };
}

function errorsOf(r: ReturnType<typeof parseRollout> | ReturnType<typeof parseAnalysisTemplate>): string[] {
  return r.ok ? [] : r.errors.map(formatFieldError);
}

describe('api: migrating from Argo Rollouts', () => {
  const [canary, tpl] = fixture('argo-canary-istio.yaml');
  const [blueGreen] = fixture('argo-bluegreen.yaml');

  it('a canary with Istio and analysis parses after changing apiVersion', () => {
    assert.ok(canary && tpl);
    assert.deepEqual(errorsOf(parseRollout(asArgo(canary))), [
      'apiVersion: must be sluice.dev/v1alpha1, got "argoproj.io/v1alpha1" (to migrate from Argo Rollouts, change apiVersion to sluice.dev/v1alpha1)',
    ]);
    const r = parseRollout(canary);
    assert.deepEqual(errorsOf(r), []);
    assert.ok(r.ok);
    const c = r.value.spec.strategy.canary;
    assert.ok(c);
    assert.deepEqual(c.steps.map(stepKind), [
      'setCanaryScale', 'setHeaderRoute', 'setWeight', 'pause', 'setMirrorRoute', 'setWeight', 'analysis',
      'setWeight', 'pause', 'setMirrorRoute', 'setHeaderRoute', 'setCanaryScale', 'setWeight', 'pause',
    ]);
    assert.equal(c.steps[3]?.pause?.duration, 300_000);
    assert.equal(c.steps[8]?.pause?.duration, 60_000);
    assert.equal(c.steps[13]?.pause?.duration, undefined);
    assert.equal(c.trafficRouting?.istio?.destinationRule?.canarySubsetName, 'canary');
    assert.deepEqual(c.trafficRouting?.istio?.virtualService?.routes, ['primary']);
    assert.equal(c.analysis?.startingStep, 2);
    assert.equal(c.steps[6]?.analysis?.args[1]?.valueFrom?.podTemplateHashValue, 'Latest');
    assert.equal(c.maxUnavailable, 0);
    assert.equal(c.maxSurge, '50%');
    assert.equal(r.value.spec.progressDeadlineSeconds, 900);
    const containers = r.value.spec.template.spec.containers;
    assert.equal(containers[0]?.image, 'registry.example.com/shop/checkout:1.8.2');
    assert.ok('readinessProbe' in (containers[0] ?? {}), 'unknown container fields are kept');
  });

  it('its AnalysisTemplate parses after changing apiVersion', () => {
    assert.ok(tpl);
    const r = parseAnalysisTemplate(tpl);
    assert.deepEqual(errorsOf(r), []);
    assert.ok(r.ok);
    const [rate, budget] = r.value.spec.metrics;
    assert.equal(rate?.interval, 60_000);
    assert.equal(rate?.count, 5);
    assert.equal(rate?.provider.prometheus?.timeout, 40);
    assert.equal(budget?.consecutiveErrorLimit, '{{args.error-limit}}');
    assert.equal(budget?.initialDelay, 30_000);
    assert.deepEqual(budget?.provider.web?.jsonBody, { window: '1h', tags: ['checkout'] });
  });

  it('a blue-green Rollout parses after changing apiVersion', () => {
    assert.ok(blueGreen);
    const r = parseRollout(blueGreen);
    assert.deepEqual(errorsOf(r), []);
    assert.ok(r.ok);
    const bg = r.value.spec.strategy.blueGreen;
    assert.ok(bg);
    assert.equal(bg.autoPromotionEnabled, false);
    assert.equal(bg.previewReplicaCount, 1);
    assert.equal(bg.scaleDownDelaySeconds, 60);
    assert.equal(bg.prePromotionAnalysis?.templates[0]?.templateName, 'smoke-tests');
    assert.equal(bg.postPromotionAnalysis?.templates[0]?.clusterScope, true);
    assert.equal(bg.antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.weight, 50);
  });
});
