/**
 * What a create turns the submitted object into: identity checks, generateName, name
 * validation, the namespace must exist and not be terminating, AlreadyExists, create-time
 * resets and defaults, uid, creationTimestamp and generation.
 */
import { randomUUID } from 'node:crypto';
import { alreadyExists, badRequest, forbidden, invalid, notFound } from '../errors.js';
import { groupVersion, type ServedResource } from '../registry.js';
import type { KubeObject } from '../types.js';
import { applyDefaults, prepareForCreate } from './defaults.js';
import { clone } from './json.js';
import { nameCauses, randomSuffix } from './names.js';

/** What the rules need to know of the store. */
export interface CreateContext {
  exists(namespace: string | undefined, name: string): boolean;
  namespace(name: string): KubeObject | undefined;
  /** RFC 3339 creation time. */
  now: string;
}

/** Returns the object to store (a copy of `obj`); throws the API's errors. */
export function planCreate(r: ServedResource, obj: KubeObject, ctx: CreateContext): KubeObject {
  const o = clone(obj);
  o.metadata = o.metadata ?? {};
  const meta = o.metadata;
  o.apiVersion = groupVersion(r);
  o.kind = r.kind;
  if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  if (r.namespaced) {
    if (!meta.namespace) throw badRequest('the namespace of the object is required for a namespaced resource');
  } else delete meta.namespace;
  if (!meta.name && meta.generateName) {
    do meta.name = `${meta.generateName}${randomSuffix()}`;
    while (ctx.exists(meta.namespace, meta.name));
  }
  if (!meta.name) {
    throw invalid(r, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  const causes = nameCauses(meta.name, r.resource === 'namespaces' && r.group === '');
  if (causes.length) throw invalid(r, meta.name, causes);
  if (r.namespaced) {
    const ns = ctx.namespace(meta.namespace ?? '');
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, meta.namespace ?? '');
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(`${r.resource} "${meta.name}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`, {
        name: meta.name,
        kind: r.resource,
      });
    }
  }
  if (ctx.exists(meta.namespace, meta.name)) throw alreadyExists(r, meta.name);
  prepareForCreate(r, o);
  applyDefaults(r, o);
  meta.uid = randomUUID();
  meta.creationTimestamp = ctx.now;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (r.hasGeneration) meta.generation = 1;
  else delete meta.generation;
  return o;
}
