/**
 * The validation of built-in kinds that a controller's mistakes would hit: Deployments and
 * ReplicaSets need a non-empty selector that matches the template labels (immutable after
 * create), non-negative replicas and containers with names and images; Pods need containers.
 * Messages follow the real server's. Everything else about built-ins is accepted as given.
 */
import { invalid, type FieldCause } from '../errors.js';
import type { ServedResource } from '../registry.js';
import { parseLabelSelector, labelSelectorToString } from '../selectors.js';
import type { KubeObject } from '../types.js';
import { deepEqual, getPath, isObject } from './json.js';

function goMap(m: Record<string, unknown>): string {
  const parts = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`);
  return `map[string]string{${parts.join(', ')}}`;
}

function containers(spec: unknown, path: string, causes: FieldCause[]): void {
  const cs = getPath(spec, '.containers');
  if (!Array.isArray(cs) || cs.length === 0) {
    causes.push({ reason: 'FieldValueRequired', field: `${path}.containers`, message: 'Required value' });
    return;
  }
  cs.forEach((c, i) => {
    if (!isObject(c) || !c['name']) causes.push({ reason: 'FieldValueRequired', field: `${path}.containers[${i}].name`, message: 'Required value' });
    if (!isObject(c) || !c['image']) causes.push({ reason: 'FieldValueRequired', field: `${path}.containers[${i}].image`, message: 'Required value' });
  });
}

function workload(r: ServedResource, obj: KubeObject, old: KubeObject | undefined, causes: FieldCause[]): void {
  const replicas = getPath(obj, '.spec.replicas');
  if (typeof replicas === 'number' && replicas < 0) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` });
  }
  const selector = getPath(obj, '.spec.selector');
  if (!isObject(selector)) causes.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
  else if (!labelSelectorToString(selector)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.selector', message: `Invalid value: ${JSON.stringify(selector)}: empty selector is invalid for ${r.singular}` });
  } else {
    const labels = getPath(obj, '.spec.template.metadata.labels');
    const l = isObject(labels) ? labels : {};
    if (!parseLabelSelector(labelSelectorToString(selector)).matches({ apiVersion: 'v1', kind: 'Pod', metadata: { labels: l as Record<string, string> } })) {
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: `Invalid value: ${goMap(l)}: \`selector\` does not match template \`labels\`` });
    }
  }
  if (old && !deepEqual(getPath(old, '.spec.selector'), selector)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.selector', message: `Invalid value: ${JSON.stringify(selector ?? null)}: field is immutable` });
  }
  containers(getPath(obj, '.spec.template.spec'), 'spec.template.spec', causes);
}

/** 422 when a built-in object breaks the rules above (`old` is set on updates). */
export function validateBuiltin(r: ServedResource, obj: KubeObject, old?: KubeObject): void {
  if (r.custom) return;
  const causes: FieldCause[] = [];
  const key = `${r.group}/${r.resource}`;
  if (key === 'apps/deployments' || key === 'apps/replicasets') workload(r, obj, old, causes);
  else if (key === '/pods' && !old) containers(obj['spec'], 'spec', causes);
  if (causes.length) throw invalid(r, obj.metadata.name ?? '', causes);
}
