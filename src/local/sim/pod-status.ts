/**
 * What the simulated kubelet reports for a Pod: a pure function from the pod, what the kubelet
 * remembers of it, and the time, to the Pod `status` (phase, IPs, containerStatuses, conditions).
 */
import { toRfc3339 } from '../../clock/index.js';
import type { KubeObject } from '../types.js';
import { rec } from './resources.js';

/** Annotation that overrides readiness for tests: "true" (ready now) or "false" (never ready). */
export const READY_ANNOTATION = 'sim.sluice.dev/ready';

/** The node every simulated pod runs on. */
export const NODE_NAME = 'sluice-local-node';
/** The simulated node's IP. */
export const HOST_IP = '172.18.0.2';

/** What the kubelet decided for a pod at this moment. */
export interface PodView {
  stage: 'pending' | 'running';
  podIP: string | undefined;
  startedAt: number | undefined;
  /** Containers ready (all of them), as the readiness probe would say. */
  ready: boolean;
  /** Names of containers that crash-loop, and their restart count. */
  crashing: ReadonlySet<string>;
  restartCount: number;
  /** When the last crash happened (for lastState). */
  lastCrashAt: number | undefined;
  /** The crash-loop back-off now in force, in seconds. */
  backoffSec: number;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** The containers of a pod spec, as name/image pairs. */
export function containersOf(pod: KubeObject): Array<{ name: string; image: string }> {
  const list = rec(pod['spec'])['containers'];
  if (!Array.isArray(list)) return [];
  return list.map((c) => ({ name: String(rec(c)['name'] ?? ''), image: String(rec(c)['image'] ?? '') }));
}

/** Builds the status the kubelet wants the pod to have, keeping unchanged transition times. */
export function desiredPodStatus(pod: KubeObject, v: PodView, now: number): Record<string, unknown> {
  const containers = containersOf(pod);
  const old = rec(pod['status']);
  const oldConds = Array.isArray(old['conditions']) ? (old['conditions'] as unknown[]).map(rec) : [];
  const ts = toRfc3339(now);
  const cond = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const prev = oldConds.find((c) => c['type'] === type);
    const status = ok ? 'True' : 'False';
    const since = prev && prev['status'] === status && typeof prev['lastTransitionTime'] === 'string' ? prev['lastTransitionTime'] : ts;
    const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: since };
    if (!ok && reason) c.reason = reason;
    if (!ok && message) c.message = message;
    return c;
  };
  const startedAt = v.startedAt !== undefined ? toRfc3339(v.startedAt) : undefined;
  const statuses = containers.map((c) => {
    const base = { name: c.name, image: c.image, imageID: `sim.sluice.dev/${c.image}` };
    if (v.stage === 'pending') {
      return { ...base, ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} };
    }
    const containerID = `sim://${pod.metadata.uid ?? ''}/${c.name}`;
    if (v.crashing.has(c.name)) {
      const lastState = v.lastCrashAt !== undefined
        ? { terminated: { exitCode: 1, reason: 'Error', startedAt: toRfc3339(v.lastCrashAt), finishedAt: toRfc3339(v.lastCrashAt), containerID } }
        : {};
      return {
        ...base,
        containerID,
        ready: false,
        started: false,
        restartCount: v.restartCount,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${v.backoffSec}s restarting failed container=${c.name} pod=${pod.metadata.name ?? ''}` } },
        lastState,
      };
    }
    return { ...base, containerID, ready: v.ready, started: true, restartCount: 0, state: { running: { startedAt } }, lastState: {} };
  });
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = v.stage === 'running' && unready.length === 0;
  const msg = `containers with unready status: [${unready.join(' ')}]`;
  const status: Record<string, unknown> = {
    phase: v.stage === 'pending' ? 'Pending' : 'Running',
    conditions: [
      cond('PodReadyToStartContainers', v.stage === 'running'),
      cond('Initialized', true),
      cond('Ready', allReady, 'ContainersNotReady', msg),
      cond('ContainersReady', allReady, 'ContainersNotReady', msg),
      cond('PodScheduled', true),
    ],
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    startTime: typeof old['startTime'] === 'string' ? old['startTime'] : ts,
    containerStatuses: statuses,
    qosClass: 'BestEffort',
  };
  if (v.podIP) {
    status['podIP'] = v.podIP;
    status['podIPs'] = [{ ip: v.podIP }];
  }
  return status;
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return readySince(pod) !== undefined;
}

/** When the pod's Ready condition last became True (ms), or undefined when not Ready. */
export function readySince(pod: KubeObject): number | undefined {
  const conds = rec(pod['status'])['conditions'];
  if (!Array.isArray(conds)) return undefined;
  const c = conds.map(rec).find((x) => x['type'] === 'Ready');
  if (!c || c['status'] !== 'True') return undefined;
  const t = Date.parse(String(c['lastTransitionTime'] ?? ''));
  return Number.isFinite(t) ? t : 0;
}

/** The pod's IP, if it has one. */
export function podIP(pod: KubeObject): string | undefined {
  const ip = rec(pod['status'])['podIP'];
  return typeof ip === 'string' && ip !== '' ? ip : undefined;
}

/** True for pods that count as active for a ReplicaSet: not terminal and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = rec(pod['status'])['phase'];
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}
