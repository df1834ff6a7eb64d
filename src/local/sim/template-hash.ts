/**
 * The `pod-template-hash` of a Deployment's pod template, computed the way Kubernetes does it in
 * shape: FNV-1a (32-bit) over the template (here its canonical JSON, without the hash label) and
 * the collision count, printed in decimal and mapped onto the safe alphabet (no vowels, no
 * look-alike digits). Stable: the same template always yields the same hash.
 */
import { clone, rec, stableStringify, jsonEqual } from './resources.js';

/** The label Kubernetes adds to a Deployment's ReplicaSets and pods. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(s, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Removes the hash label from a copy of a pod template (for comparing templates). */
export function withoutHash(template: unknown): Record<string, unknown> {
  const t = clone(rec(template));
  const meta = rec(t['metadata']);
  const labels = { ...rec(meta['labels']) };
  delete labels[POD_TEMPLATE_HASH];
  t['metadata'] = { ...meta, labels };
  return t;
}

/** The hash of a pod template plus an optional collision count. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const base = stableStringify(withoutHash(template));
  const h = fnv32a(collisionCount > 0 ? `${base}#${collisionCount}` : base);
  return [...String(h)].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
}

/** True when two pod templates are equal apart from the hash label. */
export function sameTemplate(a: unknown, b: unknown): boolean {
  return jsonEqual(withoutHash(a), withoutHash(b));
}
