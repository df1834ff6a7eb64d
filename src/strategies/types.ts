/**
 * What the canary planner reads and what it returns. The reconciler (src/rollout) builds an
 * {@link ObservedRollout} from informer caches, the planner turns it and `now` into a
 * {@link Plan}, and the reconciler applies the plan in a safe order. Nothing here does I/O.
 */
import type { RolloutSpecView, RolloutStatusView, AnalysisRef } from './spec.js';

/** One ReplicaSet of the rollout as the planner needs it. */
export interface ObservedReplicaSet {
  name: string;
  /** The `rollouts-pod-template-hash` label. */
  hash: string;
  /** The `rollout.sluice.dev/revision` annotation. */
  revision: number;
  /** spec.replicas */
  spec: number;
  ready: number;
  available: number;
  /** When set (ms), the ReplicaSet scales to 0 at that time (annotation scale-down-deadline). */
  scaleDownAt?: number;
}

/** The analysis run kinds a rollout starts. */
export const RunKind = {
  Step: 'step',
  Bake: 'bake',
  Background: 'background',
} as const;
export type RunKind = (typeof RunKind)[keyof typeof RunKind];

/** One AnalysisRun owned by the rollout. */
export interface ObservedRun {
  name: string;
  kind: RunKind;
  /** The pod-template hash it judges. */
  podHash: string;
  /** The step it belongs to (step and bake runs). */
  stepIndex?: number;
  /** The retry attempt it belongs to (status.attempt when it was created). */
  attempt: number;
  phase: string;
  message?: string;
  terminating: boolean;
}

/** The input of {@link planCanary}. */
export interface ObservedRollout {
  name: string;
  namespace: string;
  generation: number;
  spec: RolloutSpecView;
  status: RolloutStatusView;
  /** Hash of spec.template (computed the same way for the same template, always). */
  currentHash: string;
  replicaSets: ObservedReplicaSet[];
  runs: ObservedRun[];
  /** Problems that make the spec invalid (schema and references); [] when valid. */
  invalid: string[];
  /** Every duration the controller waits is divided by this (--time-scale). */
  timeScale: number;
}

/** A ReplicaSet scale change. `scaleDownAt: null` removes the deadline annotation. */
export interface ScaleAction {
  name: string;
  replicas: number;
  scaleDownAt?: number | null;
}

/** An AnalysisRun to create. */
export interface RunRequest {
  name: string;
  kind: RunKind;
  attempt: number;
  podHash: string;
  stepIndex?: number;
  analysis: AnalysisRef;
}

/** A Kubernetes Event to record on the Rollout. */
export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** What identifies the transition when the message carries times (default: the message). */
  key?: string;
}

/** Everything the reconciler should do, in the order it must be done. */
export interface Plan {
  /** Create a ReplicaSet for the current template (absent when it exists). */
  createReplicaSet?: { hash: string; revision: number; replicas: number };
  /** Scale-ups and annotation changes: applied before traffic moves. */
  scaleUp: ScaleAction[];
  /** Traffic: canary weight to set on every router (absent without trafficRouting). */
  traffic?: {
    weight: number;
    canaryHash: string;
    stableHash: string;
    headerRoutes: string[];
    mirrorRoutes: string[];
    removeManagedRoutes: boolean;
    finalize: boolean;
  };
  /** Service selectors (pod-template hash) for canaryService and stableService. */
  services?: { canaryHash: string; stableHash: string };
  /** Scale-downs: applied after traffic has left them. */
  scaleDown: ScaleAction[];
  /** ReplicaSets past revisionHistoryLimit. */
  deleteReplicaSets: string[];
  createRuns: RunRequest[];
  terminateRuns: string[];
  /** The status to write (the reconciler writes it only when it differs). */
  status: RolloutStatusView;
  events: PlannedEvent[];
  /** When to look again (ms from now); absent: only on change. */
  requeueAfter?: number;
}
