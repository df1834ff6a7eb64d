/**
 * Reading the canary step list: which kind a step is, the weight in force at a step, the
 * routes the steps so far have set.
 */
import type { CanaryStepView } from './spec.js';

/** The kinds of canary step, as named in the spec. */
export const StepKind = {
  SetWeight: 'setWeight',
  Pause: 'pause',
  Analysis: 'analysis',
  SetCanaryScale: 'setCanaryScale',
  SetHeaderRoute: 'setHeaderRoute',
  SetMirrorRoute: 'setMirrorRoute',
  Bake: 'bake',
} as const;
export type StepKind = (typeof StepKind)[keyof typeof StepKind];

/** The kind of a step (validation guarantees exactly one is set). */
export function stepKind(step: CanaryStepView): StepKind {
  for (const kind of Object.values(StepKind)) {
    if (step[kind] !== undefined) return kind;
  }
  throw new Error('step has no known kind');
}

/**
 * The traffic weight in force at step `index`: the last setWeight at or before it, 0 before
 * any, 100 once every step is done (`index >= steps.length`).
 */
export function weightAt(steps: CanaryStepView[], index: number): number {
  if (index >= steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    const w = steps[i]?.setWeight;
    if (w !== undefined) return w;
  }
  return 0;
}

/**
 * The setCanaryScale in force at `index` (with traffic routing only), or undefined when the
 * last one says matchTrafficWeight or there is none.
 */
export function canaryScaleAt(
  steps: CanaryStepView[],
  index: number,
): { weight?: number; replicas?: number } | undefined {
  if (index >= steps.length) return undefined;
  for (let i = index; i >= 0; i--) {
    const s = steps[i]?.setCanaryScale;
    if (!s) continue;
    if (s.matchTrafficWeight) return undefined;
    return s;
  }
  return undefined;
}

/** Names of the header and mirror routes in force at step `index` (a route step with no match removes its route). */
export function managedRoutesAt(
  steps: CanaryStepView[],
  index: number,
): { header: string[]; mirror: string[] } {
  const header = new Set<string>();
  const mirror = new Set<string>();
  for (let i = 0; i < Math.min(index + 1, steps.length); i++) {
    const s = steps[i];
    if (s?.setHeaderRoute) {
      if (s.setHeaderRoute.match?.length) header.add(s.setHeaderRoute.name);
      else header.delete(s.setHeaderRoute.name);
    }
    if (s?.setMirrorRoute) {
      if (s.setMirrorRoute.match?.length) mirror.add(s.setMirrorRoute.name);
      else mirror.delete(s.setMirrorRoute.name);
    }
  }
  return { header: [...header], mirror: [...mirror] };
}

/** A short human label for a step, for events and the CLI: `setWeight 20`, `bake 30m`. */
export function describeStep(step: CanaryStepView): string {
  const kind = stepKind(step);
  switch (kind) {
    case StepKind.SetWeight:
      return `setWeight ${step.setWeight}`;
    case StepKind.Pause:
      return step.pause?.duration === undefined ? 'pause (until promoted)' : `pause ${formatMs(step.pause.duration)}`;
    case StepKind.Bake:
      return `bake ${formatMs(step.bake?.duration ?? 0)}`;
    case StepKind.Analysis:
      return `analysis ${(step.analysis?.templates ?? []).map((t) => t.templateName).join(',')}`;
    case StepKind.SetCanaryScale:
      return `setCanaryScale ${JSON.stringify(step.setCanaryScale)}`;
    case StepKind.SetHeaderRoute:
      return `setHeaderRoute ${step.setHeaderRoute?.name}`;
    case StepKind.SetMirrorRoute:
      return `setMirrorRoute ${step.setMirrorRoute?.name}`;
  }
}

/** `90000` -> `1m30s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
