/**
 * Names of the `sluice.dev/v1alpha1` API: group, version, kinds and resource names, shared by
 * the schemas, the CRD generator and every client.
 */

/** The API group of every Sluice resource. */
export const GROUP = 'sluice.dev';
/** The only served (and stored) version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` as written in manifests. */
export const API_VERSION = `${GROUP}/${VERSION}`;
/** `apiVersion` of the Argo Rollouts resources Sluice mirrors (accepted only in error hints). */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

/** The kinds Sluice serves. */
export const Kind = {
  Rollout: 'Rollout',
  AnalysisTemplate: 'AnalysisTemplate',
  ClusterAnalysisTemplate: 'ClusterAnalysisTemplate',
  AnalysisRun: 'AnalysisRun',
} as const;
/** One of {@link Kind}. */
export type Kind = (typeof Kind)[keyof typeof Kind];

/** REST names of one kind, as used in URLs, RBAC rules and the CRD. */
export interface ResourceNames {
  readonly kind: Kind;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
}

/** Resource names per kind (short names match Argo Rollouts: ro, at, cat, ar). */
export const Resources: Readonly<Record<Kind, ResourceNames>> = {
  Rollout: { kind: 'Rollout', plural: 'rollouts', singular: 'rollout', shortNames: ['ro'], namespaced: true },
  AnalysisTemplate: {
    kind: 'AnalysisTemplate',
    plural: 'analysistemplates',
    singular: 'analysistemplate',
    shortNames: ['at'],
    namespaced: true,
  },
  ClusterAnalysisTemplate: {
    kind: 'ClusterAnalysisTemplate',
    plural: 'clusteranalysistemplates',
    singular: 'clusteranalysistemplate',
    shortNames: ['cat'],
    namespaced: false,
  },
  AnalysisRun: {
    kind: 'AnalysisRun',
    plural: 'analysisruns',
    singular: 'analysisrun',
    shortNames: ['ar'],
    namespaced: true,
  },
};

/**
 * Label the controller puts on ReplicaSets and pods it owns, valued with the pod template hash.
 * Same key as Argo Rollouts, so a migrated Rollout adopts its existing ReplicaSets.
 */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
