/**
 * A check that a CRD schema is structural in the sense of apiextensions.k8s.io/v1: what the
 * API server enforces when a CRD is created. Used by the tests and by the local cluster.
 */
import type { JSONSchemaProps } from './crd-schema.js';

const FORBIDDEN = ['$ref', 'anyOf', 'oneOf', 'allOf', 'not', 'default'] as const;

/** Problems that would make Kubernetes reject `schema` as non-structural; [] when it is structural. */
export function structuralProblems(schema: JSONSchemaProps, path = ''): string[] {
  const problems: string[] = [];
  const at = path === '' ? '<root>' : path;
  const s = schema as JSONSchemaProps & Record<string, unknown>;
  for (const key of FORBIDDEN) if (key in s) problems.push(`${at}: uses ${key}`);
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.type === undefined && !intOrString && !preserve) problems.push(`${at}: has no type`);
  if (intOrString && s.type !== undefined) problems.push(`${at}: x-kubernetes-int-or-string must not have a type`);
  if (s.properties && s.additionalProperties) problems.push(`${at}: has both properties and additionalProperties`);
  if (s.properties && s.type !== 'object') problems.push(`${at}: has properties but type ${String(s.type)}`);
  if (s.type === 'array') {
    if (!s.items) problems.push(`${at}: array without items`);
    else problems.push(...structuralProblems(s.items, `${path}[]`));
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) problems.push(...structuralProblems(v, path === '' ? k : `${path}.${k}`));
  if (s.additionalProperties) problems.push(...structuralProblems(s.additionalProperties, `${path}{}`));
  for (const r of s.required ?? []) if (!s.properties || !(r in s.properties)) problems.push(`${at}: requires undeclared property ${r}`);
  return problems;
}
