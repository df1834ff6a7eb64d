/**
 * Everything `get rollout` shows, read from the API: the Rollout, the ReplicaSets it owns and
 * its current AnalysisRuns, reduced to plain rows.
 */
import { POD_TEMPLATE_HASH_LABEL, parseAnalysisRunStatus } from '../api/index.js';
import { CliResources, type CliClient, type KubeObject } from './client.js';
import { describeError } from './errors.js';
import { summarizeRollout, type RolloutSummary } from './summary.js';

/** Revision annotations on ReplicaSets: Sluice's, then Argo's (a migrated rollout). */
export const REVISION_ANNOTATIONS = ['rollout.sluice.dev/revision', 'rollout.argoproj.io/revision'] as const;
/** Label on the AnalysisRuns (and ReplicaSets) the controller creates for a rollout. */
export const ROLLOUT_NAME_LABEL = 'rollout.sluice.dev/name';

/** One ReplicaSet of the rollout. */
export interface ReplicaSetRow {
  readonly name: string;
  readonly revision: number | undefined;
  readonly hash: string;
  readonly role: 'stable' | 'canary' | 'old';
  readonly desired: number;
  readonly ready: number;
  readonly available: number;
  readonly images: readonly string[];
  /** The pod template, for undo. */
  readonly template: Record<string, unknown>;
}

/** One metric of an AnalysisRun and its last measurement. */
export interface MetricRow {
  readonly name: string;
  readonly phase: string;
  readonly last: string;
  readonly counts: string;
}

/** One current AnalysisRun. */
export interface AnalysisRunRow {
  readonly name: string;
  readonly role: string;
  readonly phase: string;
  readonly message: string;
  readonly metrics: readonly MetricRow[];
}

/** A rollout with what it owns. */
export interface RolloutDetails {
  readonly summary: RolloutSummary;
  readonly replicaSets: readonly ReplicaSetRow[];
  readonly analysisRuns: readonly AnalysisRunRow[];
}

function rec(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

function num(x: unknown): number {
  return typeof x === 'number' ? x : 0;
}

/** The revision of a ReplicaSet, from its annotations. */
export function revisionOf(rs: KubeObject): number | undefined {
  const ann = rec(rec(rs.metadata)['annotations']);
  for (const key of REVISION_ANNOTATIONS) {
    const v = ann[key];
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

function ownedBy(obj: KubeObject, uid: string | undefined): boolean {
  const refs = rec(obj.metadata)['ownerReferences'];
  return Array.isArray(refs) && refs.some((r) => rec(r)['uid'] === uid);
}

/** The ReplicaSets a rollout owns, newest revision first. */
export async function ownedReplicaSets(client: CliClient, summary: RolloutSummary, signal: AbortSignal): Promise<ReplicaSetRow[]> {
  const labelSelector = Object.entries(summary.selector).map(([k, v]) => `${k}=${v}`).join(',');
  const { items } = await client.list(CliResources.replicaSets, signal, { namespace: summary.namespace, ...(labelSelector ? { labelSelector } : {}) });
  const rows = items.filter((rs) => ownedBy(rs, summary.uid)).map((rs): ReplicaSetRow => {
    const meta = rec(rs.metadata);
    const spec = rec(rs['spec']);
    const st = rec(rs['status']);
    const template = rec(spec['template']);
    const containers = rec(template['spec'])['containers'];
    const hash = String(rec(meta['labels'])[POD_TEMPLATE_HASH_LABEL] ?? '');
    const role = hash && hash === summary.status.stableRS ? 'stable' : hash && hash === summary.status.currentPodHash ? 'canary' : 'old';
    return {
      name: String(meta['name'] ?? ''),
      revision: revisionOf(rs),
      hash,
      role,
      desired: num(spec['replicas']),
      ready: num(st['readyReplicas']),
      available: num(st['availableReplicas']),
      images: Array.isArray(containers) ? containers.map((c) => String(rec(c)['image'] ?? '')) : [],
      template,
    };
  });
  return rows.sort((a, b) => (b.revision ?? -1) - (a.revision ?? -1));
}

/** Names of the AnalysisRuns the status calls current, with their role. */
export function currentRunNames(summary: RolloutSummary): Array<[string, string]> {
  const s = summary.status;
  const out: Array<[string, string]> = [];
  const add = (name: string | undefined, role: string): void => {
    if (name && !out.some(([n]) => n === name)) out.push([name, role]);
  };
  add(s.bake?.analysisRun, 'bake');
  add(s.canary.currentStepAnalysisRunStatus?.name, 'step');
  add(s.canary.currentBackgroundAnalysisRunStatus?.name, 'background');
  add(s.blueGreen.prePromotionAnalysisRunStatus?.name, 'pre-promotion');
  add(s.blueGreen.postPromotionAnalysisRunStatus?.name, 'post-promotion');
  return out;
}

/** Rows for the rollout's current AnalysisRuns. */
export async function currentAnalysisRuns(client: CliClient, summary: RolloutSummary, signal: AbortSignal): Promise<AnalysisRunRow[]> {
  const wanted = currentRunNames(summary);
  if (wanted.length === 0) return [];
  const { items } = await client.list(CliResources.analysisRuns, signal, { namespace: summary.namespace });
  const rows: AnalysisRunRow[] = [];
  for (const [name, role] of wanted) {
    const run = items.find((r) => rec(r.metadata)['name'] === name);
    if (!run) {
      rows.push({ name, role, phase: 'Missing', message: 'not found', metrics: [] });
      continue;
    }
    const st = parseAnalysisRunStatus(run['status'] ?? {});
    rows.push({
      name,
      role,
      phase: st.phase,
      message: st.message,
      metrics: st.metricResults.map((m) => {
        const last = m.measurements[m.measurements.length - 1];
        return {
          name: m.name,
          phase: m.phase,
          last: last ? `${last.value || '-'} (${last.phase}${last.finishedAt ? ` at ${last.finishedAt}` : ''})` : '-',
          counts: `✔ ${m.successful} ✖ ${m.failed} ? ${m.inconclusive} ⚠ ${m.error}`,
        };
      }),
    });
  }
  return rows;
}

/** Reads the rollout `name` with its ReplicaSets and current AnalysisRuns. */
export async function readRolloutDetails(client: CliClient, name: string, now: () => number, signal: AbortSignal): Promise<RolloutDetails> {
  const namespace = client.namespace;
  try {
    const ro = await client.get(CliResources.rollouts, name, signal);
    const summary = summarizeRollout(ro, now());
    const [replicaSets, analysisRuns] = await Promise.all([ownedReplicaSets(client, summary, signal), currentAnalysisRuns(client, summary, signal)]);
    return { summary, replicaSets, analysisRuns };
  } catch (err) {
    throw describeError(err, client.server, { kind: 'rollout', name, namespace });
  }
}
