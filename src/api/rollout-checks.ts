/**
 * Cross-field rules of a Rollout spec that a field-by-field schema cannot say. Each rule names
 * the field, what is allowed and the fix. Runs on a spec that already passed the schema.
 */
import type { RolloutAnalysis } from './analysis-ref.js';
import type { FieldError } from './errors.js';
import { formatPath } from './errors.js';
import type { RolloutSpec } from './rollout.js';
import { STEP_KINDS, stepKinds } from './steps.js';
import type { StringMatch } from './steps.js';
import type { BlueGreenStrategy, CanaryStrategy } from './strategy.js';
import { SUPPORTED_ROUTERS, UNSUPPORTED_ROUTERS } from './traffic.js';
import type { TrafficRouting } from './traffic.js';

type Path = Array<string | number>;

class Problems {
  readonly list: FieldError[] = [];
  add(path: Path, message: string): void {
    this.list.push({ path: formatPath(path), message });
  }
}

/** Every cross-field problem of a parsed spec, in field order; [] when it is valid. */
export function checkRolloutSpec(spec: RolloutSpec): FieldError[] {
  const p = new Problems();
  const base: Path = ['spec'];
  checkWorkload(spec, p);
  const { canary, blueGreen } = spec.strategy;
  if (canary && blueGreen) p.add([...base, 'strategy'], 'must set exactly one of canary and blueGreen, got both');
  else if (!canary && !blueGreen) p.add([...base, 'strategy'], 'must set exactly one of canary and blueGreen, got neither');
  if (canary) checkCanary(canary, [...base, 'strategy', 'canary'], p);
  if (blueGreen) checkBlueGreen(blueGreen, [...base, 'strategy', 'blueGreen'], p);
  return p.list;
}

function checkWorkload(spec: RolloutSpec, p: Problems): void {
  const containers = spec.template.spec.containers;
  if (spec.workloadRef) {
    if (containers.length > 0) p.add(['spec', 'template'], 'must be empty when spec.workloadRef is set (the pod template comes from the referenced workload)');
    return;
  }
  if (!spec.selector) {
    p.add(['spec', 'selector'], 'is required unless spec.workloadRef is set');
  } else {
    const labels = spec.template.metadata.labels;
    for (const [k, v] of Object.entries(spec.selector.matchLabels)) {
      if (labels[k] !== v) {
        p.add(['spec', 'selector', 'matchLabels', k], `must match spec.template.metadata.labels, got ${JSON.stringify(v)} but the template has ${labels[k] === undefined ? 'no such label' : JSON.stringify(labels[k])}`);
      }
    }
    if (Object.keys(spec.selector.matchLabels).length === 0 && spec.selector.matchExpressions.length === 0) {
      p.add(['spec', 'selector'], 'must not be empty (an empty selector would select every pod in the namespace)');
    }
  }
  if (containers.length === 0) p.add(['spec', 'template', 'spec', 'containers'], 'must list at least one container (or set spec.workloadRef)');
}

function checkCanary(c: CanaryStrategy, base: Path, p: Problems): void {
  const tr = c.trafficRouting;
  if (tr) {
    checkTrafficRouting(tr, [...base, 'trafficRouting'], p);
    for (const f of ['canaryService', 'stableService'] as const) {
      if (c[f] === '') p.add([...base, f], `is required when trafficRouting is set: name the Service that selects only ${f === 'canaryService' ? 'canary' : 'stable'} pods`);
    }
    if (c.canaryService !== '' && c.canaryService === c.stableService) p.add([...base, 'stableService'], `must differ from canaryService, both are ${JSON.stringify(c.canaryService)}`);
  }
  if (c.maxSurge === 0 && c.maxUnavailable === 0) p.add([...base, 'maxUnavailable'], 'must not be 0 when maxSurge is 0, or the rollout could never make progress');
  if (c.analysis) {
    checkAnalysis(c.analysis, [...base, 'analysis'], p);
    if (c.analysis.startingStep > c.steps.length) p.add([...base, 'analysis', 'startingStep'], `must be between 0 and ${c.steps.length} (the number of steps), got ${c.analysis.startingStep}`);
  }
  checkAntiAffinity(c.antiAffinity, [...base, 'antiAffinity'], p);
  if (c.pingPong) p.add([...base, 'pingPong'], 'works only with the AWS ALB traffic router (as in Argo Rollouts), which Sluice does not support; use canaryService and stableService');
  const managed = new Set(tr?.managedRoutes.map((r) => r.name) ?? []);
  c.steps.forEach((step, i) => {
    const sp: Path = [...base, 'steps', i];
    const kinds = stepKinds(step);
    if (kinds.length !== 1) {
      p.add(sp, `must set exactly one of ${STEP_KINDS.join(', ')}, got ${kinds.length === 0 ? 'none' : kinds.join(', ')}`);
    }
    if (step.analysis) checkAnalysis(step.analysis, [...sp, 'analysis'], p);
    // Accepted by the schema so Argo manifests apply, refused here rather than skipped: a step
    // meant to judge the canary must never pass unseen.
    if (step.experiment) p.add([...sp, 'experiment'], 'is not supported by Sluice (it runs no Experiments); judge the canary with an analysis or bake step instead');
    if (step.plugin) p.add([...sp, 'plugin'], 'is not supported by Sluice (it runs no step plugins); remove the step or use an analysis step');
    if (step.bake) {
      if (step.bake.duration <= 0) p.add([...sp, 'bake', 'duration'], 'must be greater than 0, e.g. "30m"');
      if (step.bake.analysis) checkAnalysis(step.bake.analysis, [...sp, 'bake', 'analysis'], p);
    }
    const sc = step.setCanaryScale;
    if (sc) {
      const set = [sc.weight !== undefined && 'weight', sc.replicas !== undefined && 'replicas', sc.matchTrafficWeight && 'matchTrafficWeight'].filter(Boolean);
      if (set.length !== 1) p.add([...sp, 'setCanaryScale'], `must set exactly one of weight, replicas, matchTrafficWeight, got ${set.length === 0 ? 'none' : set.join(', ')}`);
    }
    for (const kind of ['setHeaderRoute', 'setMirrorRoute'] as const) {
      const route = step[kind];
      if (!route) continue;
      if (!tr) {
        p.add([...sp, kind], `needs spec.strategy.canary.trafficRouting (${kind} changes routes on the traffic router)`);
      } else if (!managed.has(route.name)) {
        p.add([...sp, kind, 'name'], `must be listed in spec.strategy.canary.trafficRouting.managedRoutes, got ${JSON.stringify(route.name)}`);
      }
    }
    step.setHeaderRoute?.match.forEach((m, j) => checkStringMatch(m.headerValue, [...sp, 'setHeaderRoute', 'match', j, 'headerValue'], p, true));
    step.setMirrorRoute?.match.forEach((m, j) => {
      const mp: Path = [...sp, 'setMirrorRoute', 'match', j];
      if (m.method) checkStringMatch(m.method, [...mp, 'method'], p, true);
      if (m.path) checkStringMatch(m.path, [...mp, 'path'], p, true);
      for (const [h, v] of Object.entries(m.headers ?? {})) checkStringMatch(v, [...mp, 'headers', h], p, true);
    });
  });
}

function checkStringMatch(m: StringMatch, path: Path, p: Problems, required: boolean): void {
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (set.length > 1 || (required && set.length === 0)) p.add(path, `must set exactly one of exact, prefix, regex, got ${set.length === 0 ? 'none' : set.join(', ')}`);
  if (m.regex !== undefined) {
    try {
      new RegExp(m.regex);
    } catch {
      p.add([...path, 'regex'], `must be a valid regular expression, got ${JSON.stringify(m.regex)}`);
    }
  }
}

function checkTrafficRouting(tr: TrafficRouting, base: Path, p: Problems): void {
  for (const r of UNSUPPORTED_ROUTERS) {
    if (tr[r] !== undefined) p.add([...base, r], `is not supported by Sluice; use one of ${SUPPORTED_ROUTERS.join(', ')}`);
  }
  for (const name of Object.keys(tr.plugins ?? {})) {
    if (name !== 'argoproj-labs/gatewayAPI') p.add([...base, 'plugins', name], 'is not supported by Sluice; the only plugin understood is argoproj-labs/gatewayAPI (or use the built-in gatewayAPI field)');
  }
  if (!SUPPORTED_ROUTERS.some((r) => tr[r] !== undefined)) {
    p.add(base, `must configure a router: one of ${SUPPORTED_ROUTERS.join(', ')}`);
  }
  if (tr.istio) {
    const i = tr.istio;
    const n = (i.virtualService ? 1 : 0) + (i.virtualServices.length > 0 ? 1 : 0);
    if (n !== 1) p.add([...base, 'istio'], `must set exactly one of virtualService and virtualServices, got ${n === 0 ? 'neither' : 'both'}`);
  }
  if (tr.nginx) {
    const n = (tr.nginx.stableIngress ? 1 : 0) + (tr.nginx.stableIngresses.length > 0 ? 1 : 0);
    if (n !== 1) p.add([...base, 'nginx'], `must set exactly one of stableIngress and stableIngresses, got ${n === 0 ? 'neither' : 'both'}`);
  }
  if (tr.gatewayAPI) {
    const g = tr.gatewayAPI;
    const n = (g.httpRoute ? 1 : 0) + (g.httpRoutes.length > 0 ? 1 : 0);
    if (n !== 1) p.add([...base, 'gatewayAPI'], `must set exactly one of httpRoute and httpRoutes, got ${n === 0 ? 'neither' : 'both'}`);
  }
  const seen = new Set<string>();
  tr.managedRoutes.forEach((r, i) => {
    if (seen.has(r.name)) p.add([...base, 'managedRoutes', i, 'name'], `must be unique, ${JSON.stringify(r.name)} is listed twice`);
    seen.add(r.name);
  });
}

function checkBlueGreen(b: BlueGreenStrategy, base: Path, p: Problems): void {
  if (b.previewService !== '' && b.previewService === b.activeService) {
    p.add([...base, 'previewService'], `must differ from activeService, both are ${JSON.stringify(b.activeService)}`);
  }
  if (b.prePromotionAnalysis) checkAnalysis(b.prePromotionAnalysis, [...base, 'prePromotionAnalysis'], p);
  if (b.postPromotionAnalysis) checkAnalysis(b.postPromotionAnalysis, [...base, 'postPromotionAnalysis'], p);
  checkAntiAffinity(b.antiAffinity, [...base, 'antiAffinity'], p);
}

function checkAntiAffinity(a: CanaryStrategy['antiAffinity'], path: Path, p: Problems): void {
  if (!a) return;
  const n = (a.preferredDuringSchedulingIgnoredDuringExecution ? 1 : 0) + (a.requiredDuringSchedulingIgnoredDuringExecution ? 1 : 0);
  if (n !== 1) p.add(path, `must set exactly one of preferredDuringSchedulingIgnoredDuringExecution and requiredDuringSchedulingIgnoredDuringExecution, got ${n === 0 ? 'neither' : 'both'}`);
}

function checkAnalysis(a: RolloutAnalysis, base: Path, p: Problems): void {
  if (a.templates.length === 0) p.add([...base, 'templates'], 'must name at least one AnalysisTemplate (templates: [{templateName: ...}])');
  const names = new Set<string>();
  a.args.forEach((arg, i) => {
    if (arg.value !== undefined && arg.valueFrom !== undefined) p.add([...base, 'args', i], `must set one of value and valueFrom, got both (arg ${JSON.stringify(arg.name)})`);
    if (arg.valueFrom) {
      const n = (arg.valueFrom.podTemplateHashValue ? 1 : 0) + (arg.valueFrom.fieldRef ? 1 : 0);
      if (n !== 1) p.add([...base, 'args', i, 'valueFrom'], `must set exactly one of podTemplateHashValue and fieldRef, got ${n === 0 ? 'neither' : 'both'}`);
    }
    if (names.has(arg.name)) p.add([...base, 'args', i, 'name'], `must be unique, ${JSON.stringify(arg.name)} is given twice`);
    names.add(arg.name);
  });
}
