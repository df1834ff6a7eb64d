/** The autoscaling/v1 `Scale` view of objects with a `/scale` subresource. */
import { badRequest } from '../errors.js';
import type { ServedResource } from '../registry.js';
import { labelSelectorToString } from '../selectors.js';
import { clone, getPath, isObject, setPath } from '../storage/json.js';
import type { KubeObject } from '../types.js';

/** The Scale of an object. */
export function toScale(r: ServedResource, obj: KubeObject): KubeObject {
  const paths = r.scale;
  const m = obj.metadata;
  const status: Record<string, unknown> = { replicas: 0 };
  if (paths) {
    const sr = getPath(obj, paths.statusReplicasPath);
    status['replicas'] = typeof sr === 'number' ? sr : 0;
    if (paths.labelSelectorPath) {
      const sel = getPath(obj, paths.labelSelectorPath);
      const s = isObject(sel) ? labelSelectorToString(sel) : typeof sel === 'string' ? sel : undefined;
      if (s) status['selector'] = s;
    }
  }
  const spec = paths ? getPath(obj, paths.specReplicasPath) : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: typeof spec === 'number' ? { replicas: spec } : {},
    status,
  };
}

/** The object with the Scale's `spec.replicas` written back (resourceVersion as a precondition). */
export function fromScale(r: ServedResource, obj: KubeObject, scale: unknown): KubeObject {
  if (!isObject(scale) || !isObject(scale['spec'])) throw badRequest('the body of the request must be a Scale object');
  const replicas = scale['spec']['replicas'];
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    throw badRequest(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const out = clone(obj);
  const meta = isObject(scale['metadata']) ? scale['metadata'] : {};
  const rv = meta['resourceVersion'];
  out.metadata.resourceVersion = typeof rv === 'string' && rv ? rv : obj.metadata.resourceVersion;
  if (r.scale) setPath(out, r.scale.specReplicasPath, replicas ?? 0);
  return out;
}
