/**
 * PATCH: JSON patch, merge patch, strategic merge patch (built-in kinds only; 415 for custom
 * resources, as the real server answers) and server-side apply (create-or-merge; simplified,
 * see below), on the resource and on its status and scale subresources.
 *
 * Server-side apply here merges the applied configuration into the live object (strategic
 * merge for built-ins, merge patch for custom resources). It does not track field ownership:
 * there are no managedFields, no conflicts between managers, and fields a manager stops
 * applying are not removed.
 */
import { badRequest, notFound, unsupportedMediaType } from '../errors.js';
import type { ServedResource } from '../registry.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyStrategicMergePatch } from '../patch/strategic.js';
import { isObject } from '../storage/json.js';
import type { KubeObject } from '../types.js';
import type { WriteOptions } from '../store.js';
import type { ServerContext } from './context.js';
import { parseJson, parseYaml } from './io.js';
import type { RequestQuery } from './query.js';
import type { ResourceRoute } from './route.js';
import { fromScale, toScale } from './scale.js';

const ACCEPTED = 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

function patchFn(r: ServedResource, contentType: string): ((target: unknown, patch: unknown) => unknown) | undefined {
  switch (contentType) {
    case 'application/json-patch+json':
      return applyJsonPatch;
    case 'application/merge-patch+json':
      return applyMergePatch;
    case 'application/strategic-merge-patch+json':
      return r.custom ? undefined : (t, p) => applyStrategicMergePatch(t, p, r.kind);
    case 'application/apply-patch+yaml':
      return r.custom ? applyMergePatch : (t, p) => applyStrategicMergePatch(t, p, r.kind);
    default:
      return undefined;
  }
}

/** Applies a PATCH request; returns the status code and the answer body. */
export function handlePatch(
  ctx: ServerContext,
  r: ServedResource,
  route: ResourceRoute,
  contentType: string,
  text: string,
  q: RequestQuery,
  wo: WriteOptions,
): { code: number; body: unknown } {
  const { store } = ctx;
  const fn = patchFn(r, contentType);
  if (!fn) {
    const accepted = r.custom ? ACCEPTED : `${ACCEPTED}, application/strategic-merge-patch+json`;
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted}`);
  }
  const apply = contentType === 'application/apply-patch+yaml';
  if (apply && !q.fieldManager) throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  const patch = apply ? parseYaml(text) : parseJson(text);
  if (apply && !isObject(patch)) throw badRequest('the body of an apply request must be an object');
  const name = route.name ?? '';
  const live = store.getRaw(r, route.namespace, name);
  if (!live) {
    if (!apply || route.subresource) throw notFound(r, name);
    const obj = patch as KubeObject;
    obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    if (r.namespaced) obj.metadata.namespace = route.namespace;
    return { code: 201, body: store.create(r, obj, wo) };
  }
  if (route.subresource === 'scale') {
    const scaled = fn(toScale(r, live), patch);
    return { code: 200, body: toScale(r, store.update(r, fromScale(r, live, scaled), wo)) };
  }
  const patched = fn(live, patch);
  if (!isObject(patched) || !isObject(patched['metadata'])) throw badRequest('the patched object must be a JSON object with metadata');
  const next = patched as KubeObject;
  if (next.metadata.name !== name) {
    throw badRequest(`the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${name})`);
  }
  if (r.namespaced && next.metadata.namespace !== route.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const out = route.subresource === 'status' ? store.updateStatus(r, next, wo) : store.update(r, next, wo);
  return { code: 200, body: out };
}
