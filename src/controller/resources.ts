/**
 * Identifies a resource type for informers and REST paths: group, version, plural name, kind.
 * A few well-known ones are listed in {@link Resources}.
 */

/** A served resource type. */
export interface ResourceRef {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name, as in the URL (`rollouts`). */
  readonly plural: string;
  readonly kind: string;
  /** Default true. */
  readonly namespaced?: boolean;
}

/** `group/version`, or `version` for the core group. */
export function apiVersionOf(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

/** The collection URL path, optionally restricted to a namespace. */
export function collectionPath(ref: ResourceRef, namespace?: string): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const ns = namespace && ref.namespaced !== false ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${ref.plural}`;
}

/** `plural.group` (`rollouts.sluice.dev`), for logs and messages. */
export function resourceName(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

/** The Sluice API group. */
export const SLUICE_GROUP = 'sluice.dev';
/** The label that assigns an object to one controller instance (`--instance-id`). */
export const INSTANCE_ID_LABEL = 'sluice.dev/instance-id';

/** Resource types the controllers watch. */
export const Resources = {
  rollouts: { group: SLUICE_GROUP, version: 'v1alpha1', plural: 'rollouts', kind: 'Rollout' },
  analysisRuns: { group: SLUICE_GROUP, version: 'v1alpha1', plural: 'analysisruns', kind: 'AnalysisRun' },
  analysisTemplates: { group: SLUICE_GROUP, version: 'v1alpha1', plural: 'analysistemplates', kind: 'AnalysisTemplate' },
  clusterAnalysisTemplates: {
    group: SLUICE_GROUP, version: 'v1alpha1', plural: 'clusteranalysistemplates', kind: 'ClusterAnalysisTemplate', namespaced: false,
  },
  replicaSets: { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  pods: { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  configMaps: { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease' },
} as const satisfies Record<string, ResourceRef>;
