/**
 * The Deployment controller's replica arithmetic, pure (no store, no clock), after
 * kubernetes/pkg/controller/deployment/rolling.go.
 *
 * Worked example: replicas 4, maxSurge 25% (-> 1, rounded up), maxUnavailable 25% (-> 1, rounded
 * down). Old RS at 4 all available, new RS at 0. Scale up: max total 5, current 4 -> new RS 1.
 * Scale down: min available 3; all pods 5; new RS unavailable 1; max scaled down 5-3-1 = 1;
 * available 4 -> scale old down by 4-3 = 1 -> old 3. As the new pod becomes available the cycle
 * repeats until new is 4 and old is 0.
 */

/** One ReplicaSet as the arithmetic sees it. */
export interface RsReplicas {
  name: string;
  /** spec.replicas (what we will write). */
  replicas: number;
  /** status.availableReplicas. */
  available: number;
}

/** Resolves an int-or-percent against `total` (percent rounded up or down). */
export function intOrPercent(v: unknown, total: number, roundUp: boolean, dflt: string): number {
  const raw = v === undefined || v === null ? dflt : v;
  if (typeof raw === 'number') return Math.max(0, Math.trunc(raw));
  const m = /^(\d+)%$/.exec(String(raw));
  if (m) {
    const x = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  const n = Number(raw);
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
}

/** maxSurge and maxUnavailable as counts; both zero becomes maxUnavailable 1, as Kubernetes does. */
export function surgeAndUnavailable(maxSurge: unknown, maxUnavailable: unknown, replicas: number): { surge: number; unavailable: number } {
  const surge = intOrPercent(maxSurge, replicas, true, '25%');
  let unavailable = intOrPercent(maxUnavailable, replicas, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/** The new ReplicaSet's replicas after one rolling-update scale-up step. */
export function rollingScaleUp(all: readonly RsReplicas[], newRs: RsReplicas, replicas: number, surge: number): number {
  if (newRs.replicas > replicas) return replicas;
  if (newRs.replicas === replicas) return replicas;
  const current = all.reduce((s, r) => s + r.replicas, 0);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return newRs.replicas;
  return newRs.replicas + Math.max(0, Math.min(maxTotal - current, replicas - newRs.replicas));
}

/**
 * Old ReplicaSets' replicas after one rolling-update scale-down step (`old` sorted oldest first;
 * `newRs.replicas` already scaled up). Unhealthy old pods go first, then available ones while
 * at least `replicas - unavailable` stay available. Returns new replica counts by name.
 */
export function rollingScaleDown(old: readonly RsReplicas[], newRs: RsReplicas, replicas: number, unavailable: number): Map<string, number> {
  const out = new Map(old.map((r) => [r.name, r.replicas]));
  const allPods = old.reduce((s, r) => s + r.replicas, 0) + newRs.replicas;
  const minAvailable = replicas - unavailable;
  const newUnavailable = Math.max(0, newRs.replicas - newRs.available);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return out;
  let cleaned = 0;
  for (const r of old) {
    if (cleaned >= maxScaledDown) break;
    const cur = out.get(r.name) ?? 0;
    const unhealthy = Math.max(0, cur - r.available);
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    out.set(r.name, cur - n);
    cleaned += n;
  }
  const availableAll = old.reduce((s, r) => s + Math.min(r.available, out.get(r.name) ?? 0), 0) + newRs.available;
  if (availableAll <= minAvailable) return out;
  let toScale = Math.min(availableAll - minAvailable, maxScaledDown - cleaned);
  for (const r of old) {
    if (toScale <= 0) break;
    const cur = out.get(r.name) ?? 0;
    const n = Math.min(cur, toScale);
    out.set(r.name, cur - n);
    toScale -= n;
  }
  return out;
}
