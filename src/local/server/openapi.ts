/**
 * A minimal OpenAPI v3 surface: `/openapi/v3` lists one document per group-version, and each
 * document declares, per kind, the PATCH operation with its `fieldValidation`, `fieldManager`,
 * `dryRun` and `force` query parameters (what kubectl checks before it trusts the server to
 * validate fields) and, for custom resources, the CRD schema as a component. `/openapi/v2` is
 * not served (404), so kubectl falls back to its compiled-in types for strategic merge patches.
 */
import { groupVersion, type ResourceRegistry } from '../registry.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`. */
export function openApiRoot(reg: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of reg.groups()) {
    for (const v of reg.versions(g)) {
      const p = gvPath(g, v);
      const hash = reg.resourcesIn(g, v).map((r) => r.resource).join(',').length.toString(16);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}${reg.resourcesIn(g, v).length}` };
    }
  }
  return { paths };
}

const QUERY = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

/** `/openapi/v3/<api/v1 | apis/g/v>`, or undefined when not served. */
export function openApiGroupVersion(reg: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const rs = reg.resourcesIn(group, version);
  if (!rs.length) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const r of rs) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const base = `/${gvPath(group, version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}/{name}`;
    const ref = `${group || 'core'}.${version}.${r.kind}`;
    paths[base] = {
      patch: {
        operationId: `patch${r.kind}`,
        parameters: QUERY,
        requestBody: { content: { 'application/merge-patch+json': { schema: { type: 'object' } } } },
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      },
    };
    if (r.custom && r.schema) {
      schemas[ref] = { ...r.schema, 'x-kubernetes-group-version-kind': [gvk] };
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: groupVersion({ group, version }) },
    paths,
    components: { schemas },
  };
}
