/** Names and hashes the planner and the reconciler must agree on. Pure and deterministic. */
import { RunKind } from './types.js';

/** FNV-1a over the canonical JSON of `value` (keys sorted), as 10 safe characters. */
export function hashObject(value: unknown): string {
  const text = canonicalJson(value);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x811c9dc5 | 1) >>> 0;
  }
  // Pod-template-hash alphabet of Kubernetes (no vowels, so no words): bcdfghjklmnpqrstvwxz2456789
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let n = h1 * 0x100000 + (h2 & 0xfffff), i = 0; i < 10; i++) {
    out += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length);
  }
  return out;
}

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The ReplicaSet name for a rollout and pod-template hash. */
export function replicaSetName(rollout: string, hash: string): string {
  return `${rollout}-${hash}`;
}

/**
 * The AnalysisRun name for a rollout's run: `<rollout>-<hash>-<attempt>-<kind>[-<step>]`.
 * The attempt grows with every retry, so a retried step gets a fresh run.
 */
export function runName(rollout: string, hash: string, attempt: number, kind: RunKind, stepIndex?: number): string {
  const step = kind === RunKind.Background || stepIndex === undefined ? '' : `-${stepIndex}`;
  return `${rollout}-${hash}-${attempt}-${kind}${step}`;
}
