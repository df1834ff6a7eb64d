/**
 * The simulated kubelet (with a one-node scheduler folded in). For each Pod it binds the pod to
 * the node, reports Pending, then Running with an IP, and Ready `podReadyDelayMs` after it first
 * saw the pod, timed by the injected Clock. Pods whose image matches `badImagePattern` crash-loop
 * (CrashLoopBackOff, restartCount climbing on a 10s-doubling back-off capped at 5 minutes, never
 * Ready). The `sim.sluice.dev/ready` annotation overrides readiness: "false" never ready,
 * "true" ready at once; changing it takes effect on the next sync.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock/index.js';
import type { KubeObject, ObjectStore } from '../types.js';
import type { SimCache } from './cache.js';
import { containersOf, desiredPodStatus, NODE_NAME, podIP, READY_ANNOTATION, type PodView } from './pod-status.js';
import { WorkQueue } from './queue.js';
import { deleteIfExists, isCode, keyOf, mutate, rec, RES, splitKey, jsonEqual } from './resources.js';

/** Options of the kubelet. */
export interface KubeletOptions {
  clock: Clock;
  podReadyDelayMs: number;
  badImagePattern?: RegExp | undefined;
  log: Logger;
}

/** Crash-loop back-off as the kubelet's: 10s, doubling, capped at 300s. */
const BACKOFF_BASE_S = 10;
const BACKOFF_MAX_S = 300;

interface PodMemory {
  uid: string;
  seenAt: number;
  ip: string | undefined;
  startedAt: number | undefined;
  restarts: number;
  nextRestartAt: number | undefined;
  lastCrashAt: number | undefined;
  /** The Pending report (scheduled, containers creating) is written; next comes Running. */
  reportedPending: boolean;
  /** The store refused the binding (spec.nodeName): run unbound. */
  bindRefused: boolean;
}

function backoffFor(restarts: number): number {
  return Math.min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** Math.min(restarts, 10));
}

/** Allocates pod IPs 10.0.0.1, 10.0.0.2, ... (254 per /24). */
function ipFor(n: number): string {
  const third = Math.floor(n / 254);
  return `10.${Math.floor(third / 256) % 256}.${third % 256}.${(n % 254) + 1}`;
}

/** Starts the kubelet; returns its stop function. */
export function startKubelet(store: ObjectStore, cache: SimCache, opts: KubeletOptions): () => void {
  const { clock, log } = opts;
  const mem = new Map<string, PodMemory>();
  let ipCounter = 0;
  const queue = new WorkQueue('kubelet', clock, sync, log);

  cache.onEvent((ev) => {
    if (ev.res.group !== '' || ev.res.resource !== 'pods') return;
    const uid = ev.object.metadata.uid ?? '';
    if (ev.type === 'DELETED') {
      mem.delete(uid);
      return;
    }
    if (!mem.has(uid)) {
      const conds = rec(ev.object['status'])['conditions'];
      mem.set(uid, {
        uid,
        seenAt: clock.now(),
        ip: podIP(ev.object),
        startedAt: undefined,
        restarts: 0,
        nextRestartAt: undefined,
        lastCrashAt: undefined,
        reportedPending: Array.isArray(conds) && conds.length > 0, // a pod from before the kubelet started
        bindRefused: false,
      });
    }
    queue.add(keyOf(ev.object));
  });

  function sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const pod = cache.get(RES.pods, namespace, name);
    if (!pod) return undefined;
    const m = mem.get(pod.metadata.uid ?? '');
    if (!m) return undefined;
    if (pod.metadata.deletionTimestamp !== undefined) {
      // Containers stop at once; the pod object goes when nothing else holds it.
      if ((pod.metadata.finalizers ?? []).length === 0) deleteIfExists(store, RES.pods, namespace, name);
      return undefined;
    }
    const phase = rec(pod['status'])['phase'];
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const spec = rec(pod['spec']);
    if (!m.bindRefused && (typeof spec['nodeName'] !== 'string' || spec['nodeName'] === '')) {
      if (bind(pod)) return undefined; // the MODIFIED event brings us back
      m.bindRefused = true;
    }
    const now = clock.now();
    let next: number | undefined;
    const stage: PodView['stage'] = m.reportedPending ? 'running' : 'pending';
    if (stage === 'running') {
      m.ip ??= ipFor(ipCounter++);
      m.startedAt ??= now;
    }
    const override = pod.metadata.annotations?.[READY_ANNOTATION];
    const bad = opts.badImagePattern;
    const crashing = new Set<string>();
    if (override !== 'true' && bad) for (const c of containersOf(pod)) if (bad.test(c.image)) crashing.add(c.name);
    let ready = false;
    if (stage === 'running') {
      if (override === 'true') ready = true;
      else if (override === 'false' || crashing.size > 0) ready = false;
      else {
        const due = m.seenAt + opts.podReadyDelayMs;
        ready = now >= due;
        if (!ready) next = due - now;
      }
      if (crashing.size > 0) {
        if (m.nextRestartAt === undefined) {
          m.lastCrashAt = m.startedAt;
          m.nextRestartAt = (m.startedAt ?? now) + backoffFor(0) * 1000;
        }
        while (m.nextRestartAt <= now) {
          m.lastCrashAt = m.nextRestartAt;
          m.restarts++;
          m.nextRestartAt += backoffFor(m.restarts) * 1000;
        }
        next = Math.min(next ?? Infinity, m.nextRestartAt - now);
      }
    }
    const view: PodView = {
      stage,
      podIP: stage === 'running' ? m.ip : undefined,
      startedAt: m.startedAt,
      ready,
      crashing,
      restartCount: m.restarts,
      lastCrashAt: m.lastCrashAt,
      backoffSec: backoffFor(m.restarts),
    };
    const want = desiredPodStatus(pod, view, now);
    if (!jsonEqual(want, pod['status'] ?? {})) {
      const written = mutate(store, RES.pods, namespace, name, (o) => {
        if (o.metadata.deletionTimestamp !== undefined) return false;
        o['status'] = desiredPodStatus(o, view, now);
        return true;
      }, { status: true, uid: m.uid });
      if (written) cache.apply('MODIFIED', RES.pods, written);
    }
    if (stage === 'pending') {
      m.reportedPending = true;
      queue.add(key); // Running on the next turn
    }
    return next;
  }

  /** The scheduler's binding: sets spec.nodeName. False when the store refuses it. */
  function bind(pod: KubeObject): boolean {
    try {
      const written = mutate(store, RES.pods, pod.metadata.namespace, pod.metadata.name ?? '', (o) => {
        const spec = rec(o['spec']);
        if (typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '') return false;
        o['spec'] = { ...spec, nodeName: NODE_NAME };
        return true;
      }, { uid: pod.metadata.uid ?? '' });
      if (written) cache.apply('MODIFIED', RES.pods, written);
      return written !== undefined;
    } catch (err) {
      if (isCode(err, 422) || isCode(err, 400)) return false; // spec immutable in this store: run unbound
      throw err;
    }
  }

  return () => queue.stop();
}
