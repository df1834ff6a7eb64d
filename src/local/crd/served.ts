/** Turns a CustomResourceDefinition into the {@link ServedResource}s it defines. */
import type { FieldCause } from '../errors.js';
import type { PrinterColumn, ScalePaths, ServedResource } from '../registry.js';
import { isObject, type JsonObject } from '../storage/json.js';
import type { KubeObject } from '../types.js';

const ALL_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** The parts of a CRD spec the server uses. */
export interface CrdSpec {
  group: string;
  scope: string;
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions: Array<{
    name: string;
    served: boolean;
    storage: boolean;
    schema?: { openAPIV3Schema?: JsonObject };
    subresources?: { status?: JsonObject; scale?: ScalePaths };
    additionalPrinterColumns?: PrinterColumn[];
    selectableFields?: Array<{ jsonPath: string }>;
  }>;
}

/** The CRD spec, assuming {@link crdCauses} found nothing. */
export function crdSpec(crd: KubeObject): CrdSpec {
  return crd['spec'] as CrdSpec;
}

/**
 * Orders Kubernetes versions as discovery does: GA before beta before alpha, higher numbers
 * first, non-conforming names last alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const level = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [level, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  return pb[0] - pa[0] || pb[1] - pa[1] || pb[2] - pa[2];
}

/** Validation causes for a CRD (the checks the real server makes that matter here). */
export function crdCauses(crd: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const req = (field: string): void => {
    causes.push({ reason: 'FieldValueRequired', field, message: 'Required value' });
  };
  const spec = crd['spec'];
  if (!isObject(spec)) {
    req('spec');
    return causes;
  }
  const s = spec as unknown as Partial<CrdSpec>;
  if (!s.group) req('spec.group');
  if (!s.names?.plural) req('spec.names.plural');
  if (!s.names?.kind) req('spec.names.kind');
  if (s.scope !== 'Namespaced' && s.scope !== 'Cluster') {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.scope', message: `Unsupported value: ${JSON.stringify(s.scope ?? '')}: supported values: "Cluster", "Namespaced"` });
  }
  if (s.group && s.names?.plural && crd.metadata.name !== `${s.names.plural}.${s.group}`) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(crd.metadata.name)}: must be spec.names.plural+"."+spec.group` });
  }
  const versions = Array.isArray(s.versions) ? s.versions : [];
  if (!versions.length) req('spec.versions');
  else if (versions.filter((v) => v.storage).length !== 1) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.versions', message: `Invalid value: ${JSON.stringify(versions.map((v) => v.name))}: must have exactly one version marked as storage version` });
  }
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) req(`spec.versions[${i}].schema.openAPIV3Schema`);
  });
  return causes;
}

/** The served resources a CRD defines, one per served version. */
export function crdServedResources(crd: KubeObject): ServedResource[] {
  const s = crdSpec(crd);
  const n = s.names;
  return s.versions
    .filter((v) => v.served)
    .map((v) => {
      const subs: Array<'status' | 'scale'> = [];
      if (v.subresources?.status) subs.push('status');
      if (v.subresources?.scale) subs.push('scale');
      return {
        group: s.group,
        version: v.name,
        resource: n.plural,
        kind: n.kind,
        listKind: n.listKind ?? `${n.kind}List`,
        singular: n.singular ?? n.kind.toLowerCase(),
        namespaced: s.scope === 'Namespaced',
        shortNames: n.shortNames ?? [],
        categories: n.categories ?? [],
        subresources: subs,
        verbs: ALL_VERBS,
        hasGeneration: true,
        scale: v.subresources?.scale,
        schema: v.schema?.openAPIV3Schema,
        custom: true,
        printerColumns: v.additionalPrinterColumns,
        fieldLabels: (v.selectableFields ?? []).map((f) => f.jsonPath.replace(/^\./, '')),
        crdName: crd.metadata.name,
      } satisfies ServedResource;
    });
}
