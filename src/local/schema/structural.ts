/**
 * Pruning, defaulting and validation of a JSON value against a CRD structural
 * `openAPIV3Schema`, with the error texts of the real API server (kube-openapi).
 * Supported: type, properties, additionalProperties, items, required, enum, minimum/maximum
 * (and exclusive), minLength/maxLength, pattern, minItems/maxItems, nullable, default,
 * x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string. Not evaluated: anyOf,
 * oneOf, allOf, not, format, x-kubernetes-validations (CEL).
 */
import type { FieldCause } from '../errors.js';
import { clone, isObject, type JsonObject } from '../storage/json.js';

/** A JSON schema node as found in a CRD. */
export type SchemaNode = JsonObject;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function num(s: SchemaNode, k: string): number | undefined {
  const v = s[k];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Applies defaults and prunes unknown fields in place (their paths go to `pruned`), and adds
 * what is invalid to `causes`. `path` is the field path of `value` (`spec`, `status`, ...).
 */
export function checkValue(schema: SchemaNode, value: unknown, path: string, causes: FieldCause[], pruned: string[] = []): void {
  const type = schema['type'];
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const actual = typeName(value);
  const bad = (reason: string, message: string): void => {
    causes.push({ reason, field: path, message });
  };
  if (intOrString) {
    if (actual !== 'integer' && actual !== 'string') {
      bad('FieldValueInvalid', `Invalid value: ${show(actual)}: ${path} in body must be of type integer,string: ${show(actual)}`);
      return;
    }
  } else if (typeof type === 'string') {
    const ok = type === actual || (type === 'number' && actual === 'integer');
    if (!ok) {
      bad('FieldValueInvalid', `Invalid value: ${show(actual)}: ${path} in body must be of type ${type}: ${show(actual)}`);
      return;
    }
  }
  const en = schema['enum'];
  if (Array.isArray(en) && !en.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    bad('FieldValueNotSupported', `Unsupported value: ${show(value)}: supported values: ${en.map((e) => show(e)).join(', ')}`);
  }
  if (typeof value === 'number') checkNumber(schema, value, path, bad);
  if (typeof value === 'string') checkString(schema, value, path, bad);
  if (Array.isArray(value)) {
    const minI = num(schema, 'minItems');
    const maxI = num(schema, 'maxItems');
    if (minI !== undefined && value.length < minI) bad('FieldValueInvalid', `Invalid value: ${value.length}: ${path} in body should have at least ${minI} items`);
    if (maxI !== undefined && value.length > maxI) bad('TooMany', `Too many: ${value.length}: must have at most ${maxI} items`);
    const items = schema['items'];
    if (isObject(items)) {
      for (let i = 0; i < value.length; i++) {
        value[i] = normalize(items, value[i]);
        if (value[i] !== undefined) checkValue(items, value[i], `${path}[${i}]`, causes, pruned);
      }
    }
  }
  if (isObject(value)) checkObject(schema, value, path, causes, pruned);
}

function checkNumber(schema: SchemaNode, value: number, path: string, bad: (r: string, m: string) => void): void {
  const min = num(schema, 'minimum');
  const max = num(schema, 'maximum');
  const exMin = schema['exclusiveMinimum'] === true;
  const exMax = schema['exclusiveMaximum'] === true;
  if (min !== undefined && (exMin ? value <= min : value < min)) {
    bad('FieldValueInvalid', `Invalid value: ${value}: ${path} in body should be greater than ${exMin ? '' : 'or equal to '}${min}`);
  }
  if (max !== undefined && (exMax ? value >= max : value > max)) {
    bad('FieldValueInvalid', `Invalid value: ${value}: ${path} in body should be less than ${exMax ? '' : 'or equal to '}${max}`);
  }
}

function checkString(schema: SchemaNode, value: string, path: string, bad: (r: string, m: string) => void): void {
  const minL = num(schema, 'minLength');
  const maxL = num(schema, 'maxLength');
  if (minL !== undefined && value.length < minL) bad('FieldValueInvalid', `Invalid value: ${show(value)}: ${path} in body should be at least ${minL} chars long`);
  if (maxL !== undefined && value.length > maxL) bad('TooLong', `Too long: may not be more than ${maxL} bytes`);
  const pattern = schema['pattern'];
  if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(value)) {
    bad('FieldValueInvalid', `Invalid value: ${show(value)}: ${path} in body should match '${pattern}'`);
  }
}

/** Drops a non-nullable null (so a default can apply), fills the default of an absent value. */
function normalize(schema: SchemaNode, value: unknown): unknown {
  if (value === null && schema['nullable'] !== true) value = undefined;
  if (value === undefined && schema['default'] !== undefined) return clone(schema['default']);
  return value;
}

function checkObject(schema: SchemaNode, value: JsonObject, path: string, causes: FieldCause[], pruned: string[]): void {
  const props = isObject(schema['properties']) ? schema['properties'] : undefined;
  const addl = schema['additionalProperties'];
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (props) {
    for (const [k, ps] of Object.entries(props)) {
      if (!isObject(ps)) continue;
      const v = normalize(ps, value[k]);
      if (v === undefined) delete value[k];
      else value[k] = v;
    }
  }
  for (const k of Object.keys(value)) {
    const ps = props?.[k];
    if (isObject(ps)) {
      if (value[k] !== null || ps['nullable'] !== true) checkValue(ps, value[k], child(path, k), causes, pruned);
    } else if (isObject(addl)) {
      const v = normalize(addl, value[k]);
      if (v === undefined) delete value[k];
      else {
        value[k] = v;
        checkValue(addl, v, child(path, k), causes, pruned);
      }
    } else if (addl !== true && !preserve) {
      pruned.push(child(path, k));
      delete value[k];
    }
  }
  const req = schema['required'];
  if (Array.isArray(req)) {
    for (const k of req) {
      if (typeof k === 'string' && value[k] === undefined) causes.push({ reason: 'FieldValueRequired', field: child(path, k), message: 'Required value' });
    }
  }
}
