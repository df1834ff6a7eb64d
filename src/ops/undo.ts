/**
 * `undo <rollout> [--to-revision N]`: as Argo's plugin, finds the ReplicaSet of the previous
 * revision (or revision N) among those the Rollout owns, and writes its pod template back into
 * `spec.template` (a JSON patch `replace /spec/template`, without the pod-template-hash label).
 * Skipped when the template already matches.
 */
import { POD_TEMPLATE_HASH_LABEL } from '../api/index.js';
import { CliResources, PatchTypes } from './client.js';
import type { OpsContext } from './context.js';
import { ownedReplicaSets, type ReplicaSetRow } from './details.js';
import { OpsError, describeError } from './errors.js';
import { summarizeRollout } from './summary.js';

function rec(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

/**
 * True when every field set in `a` has the same value in `b` (fields `a` leaves unset are
 * ignored), like apimachinery's `Semantic.DeepDerivative`.
 */
export function isDerivative(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => isDerivative(x, b[i]));
  if (typeof a === 'object') {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
    return Object.entries(a).every(([k, v]) => isDerivative(v, (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** A pod template without the pod-template-hash label. */
export function withoutHashLabel(template: Record<string, unknown>): Record<string, unknown> {
  const t = structuredClone(template);
  const meta = rec(t['metadata']);
  const labels = rec(meta['labels']);
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return t;
}

/** The ReplicaSet to go back to: revision `to`, or (0) the second newest. */
export function pickRevision(rows: readonly ReplicaSetRow[], to: number, rollout: string): ReplicaSetRow {
  const withRev = rows.filter((r) => r.revision !== undefined).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
  if (to > 0) {
    const rs = withRev.find((r) => r.revision === to);
    if (!rs) throw new OpsError(`revision ${to} not found in the history of rollout "${rollout}" (revisions: ${withRev.map((r) => r.revision).join(', ') || 'none'})`);
    return rs;
  }
  const previous = withRev[1];
  if (!previous) throw new OpsError(`rollout "${rollout}" has no previous revision to go back to`);
  return previous;
}

/** Runs undo; returns the revision restored, or undefined when skipped. */
export async function undoRollout(ctx: OpsContext, name: string, opts: { toRevision?: number } = {}): Promise<number | undefined> {
  const ns = ctx.client.namespace;
  const to = opts.toRevision ?? 0;
  try {
    const ro = await ctx.client.get(CliResources.rollouts, name, ctx.signal);
    if (typeof rec(rec(ro['spec'])['workloadRef'])['name'] === 'string') {
      throw new OpsError(`rollout "${name}" takes its template from spec.workloadRef; roll back that workload instead`);
    }
    const summary = summarizeRollout(ro, ctx.clock.now());
    const rs = pickRevision(await ownedReplicaSets(ctx.client, summary, ctx.signal), to, name);
    const template = withoutHashLabel(rs.template);
    if (isDerivative(withoutHashLabel(rec(rec(ro['spec'])['template'])), template)) {
      ctx.out.write(`skipped rollback (current template already matches revision ${rs.revision ?? to})\n`);
      return undefined;
    }
    await ctx.client.patch(CliResources.rollouts, name, [{ op: 'replace', path: '/spec/template', value: template }], ctx.signal, { type: PatchTypes.json });
    ctx.out.write(`rollout '${name}' undo (to revision ${rs.revision ?? '?'})\n`);
    return rs.revision;
  } catch (err) {
    throw describeError(err, ctx.client.server, { kind: 'rollout', name, namespace: ns });
  }
}
