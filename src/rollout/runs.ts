/**
 * AnalysisRuns a Rollout starts: built from its AnalysisTemplates (metrics merged, arguments
 * resolved from the Rollout), and read back for the planner.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { API_VERSION, fieldPath } from '../api/index.js';
import { RunKind, type ObservedRun, type RunRequest } from '../strategies/index.js';
import { POD_TEMPLATE_HASH, ROLLOUT_NAME, RUN_ATTEMPT, RUN_KIND, RUN_STEP } from './labels.js';
import type { OwnerInfo } from './replicasets.js';

/** A template as stored in the API (raw: durations stay as written). */
export interface RawTemplate extends KubernetesObject {
  spec?: {
    metrics?: Array<{ name?: string } & Record<string, unknown>>;
    args?: Array<{ name: string; value?: string; valueFrom?: Record<string, unknown> }>;
    dryRun?: Array<{ metricName: string }>;
    measurementRetention?: Array<{ metricName: string; limit: number }>;
  };
}

/** Finds a template by name: namespaced, or cluster-scoped with `clusterScope`. */
export type TemplateLookup = (name: string, clusterScope: boolean) => RawTemplate | undefined;

/** Builds an AnalysisRun, or says which field is wrong. */
export function buildAnalysisRun(
  owner: OwnerInfo,
  namespace: string,
  rollout: KubernetesObject,
  req: RunRequest,
  stableHash: string,
  lookup: TemplateLookup,
): { run: KubernetesObject } | { error: string } {
  const metrics: Array<Record<string, unknown>> = [];
  const args = new Map<string, { name: string; value?: string; valueFrom?: Record<string, unknown> }>();
  const dryRun: Array<{ metricName: string }> = [];
  const retention: Array<{ metricName: string; limit: number }> = [];
  for (const ref of req.analysis.templates) {
    const t = lookup(ref.templateName, ref.clusterScope ?? false);
    if (!t) return { error: `${ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} "${ref.templateName}" not found` };
    for (const m of t.spec?.metrics ?? []) {
      if (metrics.some((x) => x['name'] === m.name)) {
        return { error: `metric "${String(m.name)}" is defined by more than one template (${req.analysis.templates.map((x) => x.templateName).join(', ')}): rename one` };
      }
      metrics.push(m);
    }
    for (const a of t.spec?.args ?? []) if (!args.has(a.name) || a.value !== undefined || a.valueFrom) args.set(a.name, { ...a });
    dryRun.push(...(t.spec?.dryRun ?? []));
    retention.push(...(t.spec?.measurementRetention ?? []));
  }
  for (const a of req.analysis.args ?? []) {
    const value = resolveArg(a, rollout, stableHash, req.podHash);
    if (typeof value === 'object') return value;
    args.set(a.name, { name: a.name, value });
  }
  dryRun.push(...(req.analysis.dryRun ?? []));
  retention.push(...(req.analysis.measurementRetention ?? []));
  const labels: Record<string, string> = {
    [ROLLOUT_NAME]: owner.name,
    [POD_TEMPLATE_HASH]: req.podHash,
    [RUN_KIND]: req.kind,
    [RUN_ATTEMPT]: String(req.attempt),
    ...(req.stepIndex === undefined ? {} : { [RUN_STEP]: String(req.stepIndex) }),
  };
  return {
    run: {
      apiVersion: API_VERSION,
      kind: 'AnalysisRun',
      metadata: { name: req.name, namespace, labels, ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }] },
      spec: { metrics, args: [...args.values()], dryRun, measurementRetention: retention },
    } as KubernetesObject,
  };
}

function resolveArg(
  a: { name: string; value?: string; valueFrom?: unknown },
  rollout: KubernetesObject,
  stableHash: string,
  latestHash: string,
): string | { error: string } {
  if (a.value !== undefined) return a.value;
  const from = (a.valueFrom ?? {}) as { podTemplateHashValue?: string; fieldRef?: { fieldPath: string } };
  if (from.podTemplateHashValue === 'Stable') return stableHash;
  if (from.podTemplateHashValue === 'Latest') return latestHash;
  if (from.fieldRef) {
    const v = fieldPath(rollout, from.fieldRef.fieldPath);
    if (v === undefined) return { error: `analysis arg "${a.name}": fieldRef ${from.fieldRef.fieldPath} has no value on the Rollout` };
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  return { error: `analysis arg "${a.name}" has neither value nor valueFrom` };
}

/** An AnalysisRun as the planner sees it; undefined for runs the rollout did not start. */
export function observeRun(ar: KubernetesObject & { spec?: { terminate?: boolean }; status?: { phase?: string; message?: string } }): ObservedRun | undefined {
  const labels = ar.metadata?.labels ?? {};
  const kind = labels[RUN_KIND];
  if (!ar.metadata?.name || (kind !== RunKind.Step && kind !== RunKind.Bake && kind !== RunKind.Background)) return undefined;
  const step = labels[RUN_STEP];
  return {
    name: ar.metadata.name,
    kind,
    podHash: labels[POD_TEMPLATE_HASH] ?? '',
    ...(step === undefined ? {} : { stepIndex: Number(step) }),
    attempt: Number(labels[RUN_ATTEMPT] ?? 0) || 0,
    phase: ar.status?.phase ?? '',
    ...(ar.status?.message ? { message: ar.status.message } : {}),
    terminating: ar.spec?.terminate === true,
  };
}
