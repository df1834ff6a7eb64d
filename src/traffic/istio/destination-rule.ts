/**
 * Subset-level routing: the DestinationRule's canary and stable subsets select pods by the
 * `rollouts-pod-template-hash` label. Pure: a DestinationRule in, a new one out.
 */
import type { IstioDestinationRuleRef } from '../config.js';
import { asArray, asObject, asString, clone } from '../json.js';
import { MANAGED_BY_KEY, POD_TEMPLATE_HASH_LABEL } from '../meta.js';
import type { KubeObject, RouterProblem } from '../types.js';

function setHash(subset: Record<string, unknown>, hash: string | undefined): void {
  const labels = { ...(asObject(subset['labels']) ?? {}) };
  if (hash === undefined) delete labels[POD_TEMPLATE_HASH_LABEL];
  else labels[POD_TEMPLATE_HASH_LABEL] = hash;
  subset['labels'] = labels;
}

/**
 * `dr` with the canary subset selecting `canaryHash` and the stable subset `stableHash` (an
 * undefined hash removes the label), annotated as managed by the rollout. Other subsets, other
 * labels and the traffic policies stay as written.
 */
export function withSubsetHashes(dr: KubeObject, ref: IstioDestinationRuleRef, canaryHash: string | undefined, stableHash: string | undefined, rolloutName: string): KubeObject {
  const next = clone(dr);
  for (const s of asArray(asObject(next['spec'])?.['subsets'])) {
    const subset = asObject(s);
    const name = asString(subset?.['name']);
    if (!subset || name === undefined) continue;
    if (name === ref.canarySubsetName) setHash(subset, canaryHash);
    else if (name === ref.stableSubsetName) setHash(subset, stableHash);
  }
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [MANAGED_BY_KEY]: rolloutName };
  return next;
}

/** The hash label of a subset, or undefined. */
export function subsetHash(dr: KubeObject, subsetName: string): string | undefined {
  for (const s of asArray(asObject(dr['spec'])?.['subsets'])) {
    const subset = asObject(s);
    if (asString(subset?.['name']) === subsetName) return asString(asObject(subset?.['labels'])?.[POD_TEMPLATE_HASH_LABEL]);
  }
  return undefined;
}

/** Problems with the DestinationRule: missing subsets. */
export function destinationRuleProblems(dr: KubeObject, ref: IstioDestinationRuleRef, field: string): RouterProblem[] {
  const names = asArray(asObject(dr['spec'])?.['subsets']).map((s) => asString(asObject(s)?.['name']) ?? '');
  const problems: RouterProblem[] = [];
  for (const [key, want] of [['canarySubsetName', ref.canarySubsetName], ['stableSubsetName', ref.stableSubsetName]] as const) {
    if (!names.includes(want)) {
      problems.push({ field: `${field}.${key}`, message: `subset "${want}" not found in DestinationRule "${ref.name}"; it has: ${names.join(', ') || '(no subsets)'}` });
    }
  }
  return problems;
}
