/**
 * The CustomResourceDefinitions of Sluice, built from the zod schemas: one source for types,
 * validation and the API server's schema. `npm run gen:crds` writes {@link renderCrdFiles} to
 * crds/; a test fails when the files are stale.
 */
import { stringify } from 'yaml';
import { AnalysisRunSpecSchema, AnalysisRunStatusSchema } from './analysis-run.js';
import { AnalysisTemplateSpecSchema } from './analysis-template.js';
import { toCrdSchema } from './crd-schema.js';
import type { JSONSchemaProps } from './crd-schema.js';
import { GROUP, Kind, Resources, VERSION } from './group.js';
import { RolloutStatusSchema } from './rollout-status.js';
import { RolloutSpecSchema } from './rollout.js';

/** A printer column (`kubectl get` output). */
export interface PrinterColumn {
  name: string;
  type: 'integer' | 'string' | 'date' | 'number' | 'boolean';
  jsonPath: string;
  description: string;
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition, as much as Sluice writes. */
export interface CrdDocument {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: Array<{
      name: string;
      served: true;
      storage: true;
      schema: { openAPIV3Schema: JSONSchemaProps };
      subresources?: { status?: Record<string, never>; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string } };
      additionalPrinterColumns: PrinterColumn[];
    }>;
  };
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since the object was created' };

/** Printer columns of `kubectl get rollouts`. */
export const ROLLOUT_PRINTER_COLUMNS: PrinterColumn[] = [
  { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Number of desired pods' },
  { name: 'Current', type: 'integer', jsonPath: '.status.replicas', description: 'Total number of non-terminated pods targeted by this rollout' },
  { name: 'Up-to-date', type: 'integer', jsonPath: '.status.updatedReplicas', description: 'Pods that have the desired template' },
  { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas', description: 'Pods ready for at least minReadySeconds' },
  { name: 'Step', type: 'integer', jsonPath: '.status.currentStepIndex', description: 'Index of the current canary step' },
  { name: 'Weight', type: 'integer', jsonPath: '.status.canary.weights.canary.weight', description: 'Traffic weight of the canary' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Healthy, Progressing, Paused or Degraded' },
  AGE,
];

function rootSchema(kind: Kind, spec: JSONSchemaProps, status?: JSONSchemaProps): JSONSchemaProps {
  const properties: Record<string, JSONSchemaProps> = {
    apiVersion: { type: 'string', description: 'APIVersion of this object: sluice.dev/v1alpha1.' },
    kind: { type: 'string', description: `Kind of this object: ${kind}.` },
    metadata: { type: 'object' },
    spec,
  };
  if (status) properties['status'] = status;
  return { type: 'object', required: ['spec'], properties };
}

function crd(kind: Kind, schema: JSONSchemaProps, extra: { categories: string[]; columns: PrinterColumn[]; status: boolean; scale?: boolean }): CrdDocument {
  const r = Resources[kind];
  const version: CrdDocument['spec']['versions'][number] = {
    name: VERSION,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: schema },
    additionalPrinterColumns: extra.columns,
  };
  if (extra.status || extra.scale) {
    version.subresources = {};
    if (extra.status) version.subresources.status = {};
    if (extra.scale) version.subresources.scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };
  }
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${r.plural}.${GROUP}`, labels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/part-of': 'sluice' } },
    spec: {
      group: GROUP,
      names: { kind, listKind: `${kind}List`, plural: r.plural, singular: r.singular, shortNames: [...r.shortNames], categories: extra.categories },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      versions: [version],
    },
  };
}

/** The four CRDs, in a fixed order: Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun. */
export function crdDocuments(): CrdDocument[] {
  const templateSpec = toCrdSchema(AnalysisTemplateSpecSchema, 'AnalysisTemplate.spec');
  return [
    crd(Kind.Rollout, rootSchema(Kind.Rollout, toCrdSchema(RolloutSpecSchema, 'Rollout.spec'), toCrdSchema(RolloutStatusSchema, 'Rollout.status')), {
      categories: ['sluice', 'all'],
      columns: ROLLOUT_PRINTER_COLUMNS,
      status: true,
      scale: true,
    }),
    crd(Kind.AnalysisTemplate, rootSchema(Kind.AnalysisTemplate, templateSpec), { categories: ['sluice'], columns: [AGE], status: false }),
    crd(Kind.ClusterAnalysisTemplate, rootSchema(Kind.ClusterAnalysisTemplate, templateSpec), { categories: ['sluice'], columns: [AGE], status: false }),
    crd(
      Kind.AnalysisRun,
      rootSchema(Kind.AnalysisRun, toCrdSchema(AnalysisRunSpecSchema, 'AnalysisRun.spec'), toCrdSchema(AnalysisRunStatusSchema, 'AnalysisRun.status')),
      {
        categories: ['sluice'],
        columns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'Phase of the AnalysisRun' }, AGE],
        status: true,
      },
    ),
  ];
}

const HEADER = '# Generated from src/api by `npm run gen:crds`. Do not edit by hand.\n';

/** File name of a CRD under crds/: `rollouts.sluice.dev.yaml`. */
export function crdFileName(doc: CrdDocument): string {
  return `${doc.metadata.name}.yaml`;
}

/** The contents of crds/, file name to YAML text. Deterministic. */
export function renderCrdFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const doc of crdDocuments()) files[crdFileName(doc)] = HEADER + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  return files;
}
