/**
 * Turns the zod schemas into CRD OpenAPI v3 schemas that Kubernetes accepts as structural:
 * every node typed; int-or-string unions become `x-kubernetes-int-or-string`; loose objects
 * and `unknown` become `x-kubernetes-preserve-unknown-fields`; no $ref, anyOf or defaults
 * (defaults are applied by parsing, so the API server never rewrites what a person wrote).
 */
import { z } from 'zod';
import { crdViewOf } from './kit.js';

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps the generator writes. */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps;
  enum?: Array<string | number | boolean>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  minLength?: number;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
}

type Def = { type: string } & Record<string, unknown>;
const defOf = (s: z.core.$ZodType): Def => s._zod.def as unknown as Def;

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/** Strips wrappers (optional, default, catch, ...), returning the core schema and the first description seen. */
function unwrap(s: z.core.$ZodType): { core: z.core.$ZodType; description?: string } {
  let cur = s;
  let description: string | undefined;
  for (;;) {
    description ??= z.globalRegistry.get(cur)?.description;
    const view = crdViewOf(cur);
    if (view) {
      cur = view;
      continue;
    }
    const d = defOf(cur);
    if (WRAPPERS.has(d.type)) cur = d['innerType'] as z.core.$ZodType;
    else if (d.type === 'pipe') {
      const inner = d['in'] as z.core.$ZodType;
      // z.preprocess(...) pipes from a transform: its output side is the typed one.
      cur = defOf(inner).type === 'transform' ? (d['out'] as z.core.$ZodType) : inner;
    } else return description === undefined ? { core: cur } : { core: cur, description };
  }
}

/** True when a field may be left out of the input (optional, defaulted or caught). */
function isOptional(s: z.core.$ZodType): boolean {
  const view = crdViewOf(s);
  if (view) return isOptional(view);
  return s._zod.optin !== undefined;
}

function numberChecks(s: z.core.$ZodType, out: JSONSchemaProps): void {
  const checks = (defOf(s)['checks'] as Array<{ _zod: { def: Record<string, unknown> } }> | undefined) ?? [];
  for (const c of checks) {
    const d = c._zod.def;
    if (d['check'] === 'greater_than' && typeof d['value'] === 'number') {
      out.minimum = d['value'];
      if (d['inclusive'] === false) out.exclusiveMinimum = true;
    } else if (d['check'] === 'less_than' && typeof d['value'] === 'number') {
      out.maximum = d['value'];
      if (d['inclusive'] === false) out.exclusiveMaximum = true;
    }
  }
}

function isUnknown(s: z.core.$ZodType | undefined): boolean {
  if (!s) return false;
  const t = defOf(unwrap(s).core).type;
  return t === 'unknown' || t === 'any';
}

/**
 * The CRD schema of a zod schema. `where` names the position in errors.
 * @throws Error for constructs a structural schema cannot express (general unions, transforms without a CRD view).
 */
export function toCrdSchema(schema: z.core.$ZodType, where = '<root>'): JSONSchemaProps {
  const { core, description } = unwrap(schema);
  const out = walk(core, where);
  return description === undefined ? out : { description, ...out };
}

function walk(s: z.core.$ZodType, where: string): JSONSchemaProps {
  const d = defOf(s);
  switch (d.type) {
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number': {
      const out: JSONSchemaProps = { type: d['format'] === undefined ? 'number' : 'integer' };
      numberChecks(s, out);
      if (out.minimum !== undefined && Math.abs(out.minimum) >= Number.MAX_SAFE_INTEGER) delete out.minimum;
      if (out.maximum !== undefined && Math.abs(out.maximum) >= Number.MAX_SAFE_INTEGER) delete out.maximum;
      return out;
    }
    case 'enum':
      return { type: 'string', enum: Object.values(d['entries'] as Record<string, string>) };
    case 'literal': {
      const values = d['values'] as Array<string | number | boolean>;
      const t = typeof values[0];
      return { type: t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : 'string', enum: values };
    }
    case 'nullable':
      return { ...toCrdSchema(d['innerType'] as z.core.$ZodType, where), nullable: true };
    case 'unknown':
    case 'any':
      return { 'x-kubernetes-preserve-unknown-fields': true };
    case 'array': {
      const out: JSONSchemaProps = { type: 'array', items: toCrdSchema(d['element'] as z.core.$ZodType, `${where}[]`) };
      return out;
    }
    case 'record': {
      const value = d['valueType'] as z.core.$ZodType;
      if (isUnknown(value)) return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      return { type: 'object', additionalProperties: toCrdSchema(value, `${where}{}`) };
    }
    case 'object': {
      const shape = d['shape'] as Record<string, z.core.$ZodType>;
      const properties: Record<string, JSONSchemaProps> = {};
      const required: string[] = [];
      for (const [k, v] of Object.entries(shape)) {
        properties[k] = toCrdSchema(v, `${where}.${k}`);
        if (!isOptional(v)) required.push(k);
      }
      const out: JSONSchemaProps = { type: 'object' };
      if (Object.keys(properties).length > 0) out.properties = properties;
      if (required.length > 0) out.required = required;
      if (isUnknown(d['catchall'] as z.core.$ZodType | undefined)) out['x-kubernetes-preserve-unknown-fields'] = true;
      return out;
    }
    case 'union': {
      const kinds = new Set((d['options'] as z.core.$ZodType[]).map((o) => defOf(unwrap(o).core).type));
      if (kinds.size === 2 && kinds.has('number') && kinds.has('string')) return { 'x-kubernetes-int-or-string': true };
      throw new Error(`${where}: a union of ${[...kinds].join(', ')} has no structural CRD form`);
    }
    default:
      throw new Error(`${where}: zod type "${d.type}" has no CRD form; register one with crdView`);
  }
}
