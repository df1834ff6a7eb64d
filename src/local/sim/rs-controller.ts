/**
 * The ReplicaSet controller: keeps `spec.replicas` pods per ReplicaSet, made from its template
 * and controlled by it, and keeps its status true. It manages only pods whose controller
 * reference names the ReplicaSet (it adopts nothing). Scaling down removes not-ready pods first,
 * then the newest. A pod counts as available once Ready for `spec.minReadySeconds`; the
 * controller looks again at that moment (a Clock timer), not by polling.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../clock/index.js';
import type { KubeObject, ObjectStore } from '../types.js';
import type { SimCache } from './cache.js';
import { isPodActive, isPodReady, readySince } from './pod-status.js';
import { WorkQueue } from './queue.js';
import { clone, controllerRef, deleteIfExists, int, isCode, keyOf, mutate, rec, RES, splitKey, jsonEqual } from './resources.js';

/** Pods created or deleted per ReplicaSet per sync, as the real controller's burst. */
const BURST = 500;
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five random characters, as Kubernetes' generateName suffix. */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return s;
}

function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerRef(obj)?.uid === owner.metadata.uid;
}

/** Counts from a ReplicaSet's pods, and the next moment one becomes available. */
export function rsCounts(
  pods: readonly KubeObject[],
  templateLabels: Record<string, string>,
  minReadySeconds: number,
  now: number,
): { replicas: number; fullyLabeled: number; ready: number; available: number; nextAvailableInMs: number | undefined } {
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  let next: number | undefined;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    const since = readySince(p);
    if (since === undefined) continue;
    ready++;
    const at = since + minReadySeconds * 1000;
    if (minReadySeconds <= 0 || at <= now) available++;
    else next = Math.min(next ?? Infinity, at - now);
  }
  return { replicas: pods.length, fullyLabeled, ready, available, nextAvailableInMs: next };
}

/** Starts the ReplicaSet controller; returns its stop function. */
export function startReplicaSetController(store: ObjectStore, cache: SimCache, clock: Clock, log: Logger): () => void {
  const queue = new WorkQueue('replicaset', clock, sync, log);

  cache.onEvent((ev) => {
    if (ev.res.group === 'apps' && ev.res.resource === 'replicasets') {
      queue.add(keyOf(ev.object));
      return;
    }
    if (ev.res.group !== '' || ev.res.resource !== 'pods') return;
    const ref = controllerRef(ev.object);
    const oldRef = ev.old ? controllerRef(ev.old) : undefined;
    for (const r of [ref, oldRef]) {
      if (r?.kind === 'ReplicaSet' && r.apiVersion.startsWith('apps/')) queue.add(`${ev.object.metadata.namespace ?? ''}/${r.name}`);
    }
  });

  function sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const rs = cache.get(RES.replicasets, namespace, name);
    if (!rs) return undefined;
    const spec = rec(rs['spec']);
    const all = cache.owned(RES.pods, rs.metadata.uid ?? '').filter((p) => isControlledBy(p, rs));
    const active = all.filter(isPodActive);
    if (rs.metadata.deletionTimestamp === undefined) {
      const want = Math.max(0, int(spec['replicas'], 1));
      const diff = want - active.length;
      if (diff > 0) for (let i = 0; i < Math.min(diff, BURST); i++) createPod(rs);
      else if (diff < 0) {
        for (const p of pickToDelete(active, -diff).slice(0, BURST)) {
          if (deleteIfExists(store, RES.pods, p.metadata.namespace, p.metadata.name ?? '')) {
            const gone = store.get(RES.pods, p.metadata.namespace, p.metadata.name ?? '');
            if (gone) cache.apply('MODIFIED', RES.pods, gone);
            else cache.apply('DELETED', RES.pods, p);
          }
        }
      }
    }
    return writeStatus(rs);
  }

  /** Not-ready before ready, then the most recently ready / newest first. */
  function pickToDelete(pods: KubeObject[], n: number): KubeObject[] {
    const rank = (p: KubeObject): number => {
      const phase = rec(p['status'])['phase'];
      if (phase === undefined || phase === 'Pending') return 0;
      return isPodReady(p) ? 2 : 1;
    };
    return [...pods]
      .sort((a, b) => rank(a) - rank(b) || (readySince(b) ?? 0) - (readySince(a) ?? 0) || cache.firstSeen(b) - cache.firstSeen(a))
      .slice(0, n);
  }

  function createPod(rs: KubeObject): void {
    const tmpl = rec(rec(rs['spec'])['template']);
    const meta = rec(tmpl['metadata']);
    const rsName = rs.metadata.name ?? '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${rsName}-${randomSuffix()}`,
          namespace: rs.metadata.namespace,
          labels: { ...(rec(meta['labels']) as Record<string, string>) },
          annotations: { ...(rec(meta['annotations']) as Record<string, string>) },
          ownerReferences: [
            { apiVersion: rs.apiVersion, kind: rs.kind, name: rsName, uid: rs.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: clone(rec(tmpl['spec'])),
      };
      try {
        const created = store.create(RES.pods, pod);
        cache.apply('ADDED', RES.pods, created);
        return;
      } catch (err) {
        if (isCode(err, 409)) continue; // name taken: draw another suffix
        throw err;
      }
    }
  }

  function writeStatus(rs: KubeObject): number | undefined {
    const spec = rec(rs['spec']);
    const pods = cache.owned(RES.pods, rs.metadata.uid ?? '').filter((p) => isControlledBy(p, rs) && isPodActive(p));
    const tmplLabels = rec(rec(rec(spec['template'])['metadata'])['labels']) as Record<string, string>;
    const minReady = int(spec['minReadySeconds'], 0);
    const c = rsCounts(pods, tmplLabels, minReady, clock.now());
    const build = (o: KubeObject): Record<string, unknown> => {
      const old = rec(o['status']);
      const s: Record<string, unknown> = {
        replicas: c.replicas,
        fullyLabeledReplicas: c.fullyLabeled,
        readyReplicas: c.ready,
        availableReplicas: c.available,
        observedGeneration: o.metadata.generation ?? 0,
      };
      if (Array.isArray(old['conditions']) && old['conditions'].length > 0) s['conditions'] = old['conditions'];
      return s;
    };
    if (!jsonEqual(build(rs), rs['status'] ?? {})) {
      const written = mutate(store, RES.replicasets, rs.metadata.namespace, rs.metadata.name ?? '', (o) => {
        const s = build(o);
        if (jsonEqual(s, o['status'] ?? {})) return false;
        o['status'] = s;
        return true;
      }, { status: true, uid: rs.metadata.uid ?? '' });
      if (written) cache.apply('MODIFIED', RES.replicasets, written);
    }
    return c.nextAvailableInMs;
  }

  return () => queue.stop();
}
