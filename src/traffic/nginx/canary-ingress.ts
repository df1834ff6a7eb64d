/**
 * The generated canary Ingress for the NGINX Ingress Controller. Pure: stable Ingress in,
 * canary Ingress out.
 *
 * The canary Ingress copies the stable Ingress' rules, keeping only the paths whose backend is
 * the stable Service and pointing them at the canary Service, and carries the canary
 * annotations (`<prefix>/canary: "true"`, `<prefix>/canary-weight`,
 * `<prefix>/canary-weight-total`). As in Argo Rollouts it keeps `ingressClassName` and the
 * `kubernetes.io/ingress.class` annotation (nginx needs them to pair the two) and nothing else
 * of the stable Ingress' metadata: the canary Ingress ignores non-canary nginx annotations.
 */
import type { NginxRoutingConfig } from '../config.js';
import { asArray, asObject, asString, clone, type JsonObject } from '../json.js';
import { MANAGED_BY_KEY, rolloutOwnerReference } from '../meta.js';
import type { KubeObject, RouterProblem, TrafficContext } from '../types.js';

/** The default annotation prefix of ingress-nginx. */
export const DEFAULT_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';

const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const MAX_NAME = 253;

/** Argo Rollouts' name for the canary Ingress: `<rollout>-<stableIngress>-canary`, truncated to fit. */
export function canaryIngressName(rolloutName: string, stableIngress: string): string {
  const suffix = '-canary';
  return `${rolloutName}-${stableIngress}`.slice(0, MAX_NAME - suffix.length) + suffix;
}

function backendService(path: unknown): string | undefined {
  return asString(asObject(asObject(asObject(path)?.['backend'])?.['service'])?.['name']);
}

/** The rules of `stable` with only the stable Service's paths, re-pointed at the canary. */
function canaryRules(stable: KubeObject, ctx: TrafficContext): JsonObject[] {
  const rules: JsonObject[] = [];
  for (const r of asArray(asObject(stable['spec'])?.['rules'])) {
    const rule = asObject(r);
    const paths = asArray(asObject(rule?.['http'])?.['paths']).filter((p) => backendService(p) === ctx.stableService);
    if (!rule || paths.length === 0) continue;
    const copy = clone(rule);
    copy['http'] = {
      paths: paths.map((p) => {
        const path = clone(asObject(p) ?? {});
        const service = asObject(asObject(path['backend'])?.['service']) ?? {};
        path['backend'] = { service: { ...service, name: ctx.canaryService } };
        return path;
      }),
    };
    rules.push(copy);
  }
  return rules;
}

/** Problems with a stable Ingress: no backend pointing at the stable Service. */
export function stableIngressProblems(stable: KubeObject, ctx: TrafficContext, field: string): RouterProblem[] {
  if (canaryRules(stable, ctx).length > 0) return [];
  const services = new Set(asArray(asObject(stable['spec'])?.['rules']).flatMap((r) => asArray(asObject(asObject(r)?.['http'])?.['paths']).map(backendService)));
  const named = [...services].filter((s): s is string => s !== undefined);
  return [{ field, message: `Ingress "${stable.metadata.name ?? ''}" has no rule with a backend pointing at the stable Service "${ctx.stableService}"; it points at: ${named.join(', ') || '(no services)'}` }];
}

/** The canary annotations for `canaryWeight`, with the prefix and the configured extras. */
export function canaryAnnotations(cfg: NginxRoutingConfig, ctx: TrafficContext, canaryWeight: number): Record<string, string> {
  const prefix = cfg.annotationPrefix || DEFAULT_ANNOTATION_PREFIX;
  const out: Record<string, string> = { ...(cfg.canaryIngressAnnotations ?? {}) };
  for (const [k, v] of Object.entries(cfg.additionalIngressAnnotations ?? {})) out[`${prefix}/${k}`] = v;
  out[`${prefix}/canary`] = 'true';
  out[`${prefix}/canary-weight`] = String(canaryWeight);
  out[`${prefix}/canary-weight-total`] = String(ctx.maxWeight);
  out[MANAGED_BY_KEY] = ctx.rolloutName;
  return out;
}

/** The canary Ingress for `stable` at `canaryWeight`, owned by the Rollout. */
export function desiredCanaryIngress(stable: KubeObject, cfg: NginxRoutingConfig, ctx: TrafficContext, canaryWeight: number): KubeObject {
  const annotations = canaryAnnotations(cfg, ctx, canaryWeight);
  const cls = stable.metadata.annotations?.[CLASS_ANNOTATION];
  if (cls !== undefined) annotations[CLASS_ANNOTATION] = cls;
  const spec: JsonObject = { rules: canaryRules(stable, ctx) };
  const className = asObject(stable['spec'])?.['ingressClassName'];
  if (className !== undefined) spec['ingressClassName'] = className;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: canaryIngressName(ctx.rolloutName, stable.metadata.name ?? ''),
      namespace: stable.metadata.namespace ?? ctx.namespace,
      labels: { [MANAGED_BY_KEY]: ctx.rolloutName },
      annotations,
      ownerReferences: [rolloutOwnerReference(ctx)],
    },
    spec,
  };
}

/**
 * `existing` brought to `desired`: spec and the annotations under the prefix replaced, the
 * managed label and owner reference ensured; labels and annotations others added stay.
 */
export function mergeCanaryIngress(existing: KubeObject, desired: KubeObject, cfg: NginxRoutingConfig): KubeObject {
  const prefix = `${cfg.annotationPrefix || DEFAULT_ANNOTATION_PREFIX}/`;
  const next = clone(existing);
  const kept = Object.entries(existing.metadata.annotations ?? {}).filter(([k]) => !k.startsWith(prefix));
  next.metadata.annotations = { ...Object.fromEntries(kept), ...desired.metadata.annotations };
  next.metadata.labels = { ...(existing.metadata.labels ?? {}), ...desired.metadata.labels };
  const owners = existing.metadata.ownerReferences ?? [];
  const ours = desired.metadata.ownerReferences?.[0];
  if (ours && !owners.some((o) => o.uid === ours.uid)) next.metadata.ownerReferences = [...owners, ours];
  next['spec'] = { ...(asObject(existing['spec']) ?? {}), ...(asObject(desired['spec']) ?? {}) };
  return next;
}

/** True when the Ingress was generated for this Rollout. */
export function isManagedCanary(ing: KubeObject, ctx: TrafficContext): boolean {
  return (
    ing.metadata.annotations?.[MANAGED_BY_KEY] === ctx.rolloutName ||
    (ing.metadata.ownerReferences ?? []).some((o) => o.uid === ctx.rolloutUid)
  );
}

/** The canary weight an Ingress carries, or undefined when it is not a canary. */
export function readCanaryWeight(ing: KubeObject, cfg: NginxRoutingConfig): number | undefined {
  const prefix = cfg.annotationPrefix || DEFAULT_ANNOTATION_PREFIX;
  const a = ing.metadata.annotations ?? {};
  if (a[`${prefix}/canary`] !== 'true') return undefined;
  const w = a[`${prefix}/canary-weight`];
  return w !== undefined && /^\d+$/.test(w) ? Number(w) : undefined;
}
