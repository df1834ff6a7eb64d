/** Validation of custom resources against their CRD version's schema (prune, default, check). */
import { badRequest, invalid, type FieldCause } from '../errors.js';
import type { ServedResource } from '../registry.js';
import { isObject } from '../storage/json.js';
import type { KubeObject } from '../types.js';
import { checkValue } from './structural.js';

const ROOT_KEEP = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Prunes unknown fields, applies defaults and validates `obj` in place; throws 422 Invalid
 * naming every offending field. `mode` 'status' checks only `.status`. Returns the paths of
 * the pruned (unknown) fields.
 */
export function validateCustomObject(r: ServedResource, obj: KubeObject, mode: 'create' | 'update' | 'status'): string[] {
  const schema = r.schema;
  const pruned: string[] = [];
  if (!schema) return pruned;
  const causes: FieldCause[] = [];
  const props = isObject(schema['properties']) ? schema['properties'] : {};
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const k of Object.keys(obj)) {
    if (ROOT_KEEP.has(k)) continue;
    if (mode === 'status' && k !== 'status') continue;
    const ps = props[k];
    if (!isObject(ps)) {
      if (!preserve) {
        pruned.push(k);
        delete obj[k];
      }
      continue;
    }
    if (obj[k] === null && ps['nullable'] !== true) {
      delete obj[k];
      continue;
    }
    checkValue(ps, obj[k], k, causes, pruned);
  }
  for (const [k, ps] of Object.entries(props)) {
    if (ROOT_KEEP.has(k) || obj[k] !== undefined || !isObject(ps)) continue;
    if (mode === 'status' && k !== 'status') continue;
    if (ps['default'] !== undefined) {
      obj[k] = structuredClone(ps['default']);
      checkValue(ps, obj[k], k, causes);
    }
  }
  const req = schema['required'];
  if (Array.isArray(req)) {
    for (const k of req) {
      if (typeof k !== 'string' || ROOT_KEEP.has(k) || obj[k] !== undefined) continue;
      if (mode === 'status' && k !== 'status') continue;
      causes.push({ reason: 'FieldValueRequired', field: k, message: 'Required value' });
    }
  }
  if (causes.length) throw invalid(r, obj.metadata.name ?? '', causes);
  return pruned;
}

/**
 * Applies `fieldValidation` to pruned fields: Strict is a 400 naming them (as the real
 * server's strict decoding error), Warn (the default) adds warnings, Ignore does nothing.
 */
export function reportUnknownFields(r: ServedResource, pruned: string[], mode: string | undefined, warnings: string[] | undefined): void {
  if (!pruned.length || mode === 'Ignore') return;
  const fields = pruned.map((p) => `unknown field ${JSON.stringify(p)}`);
  if (mode === 'Strict') {
    throw badRequest(`${r.kind} in version ${JSON.stringify(r.version)} cannot be handled as a ${r.kind}: strict decoding error: ${fields.join(', ')}`);
  }
  warnings?.push(...fields);
}
