/**
 * The Deployment controller: one ReplicaSet per pod template, named `<deployment>-<hash>` and
 * labelled (selector and template too) with `pod-template-hash`; the current one carries the
 * highest `deployment.kubernetes.io/revision`. RollingUpdate honours maxSurge/maxUnavailable
 * (see rollout-math.ts); Recreate scales old ReplicaSets to 0 and waits for their pods to go
 * before scaling the new one up. Status: replicas, updatedReplicas, readyReplicas,
 * availableReplicas, unavailableReplicas, observedGeneration, conditions Available and
 * Progressing (with ProgressDeadlineExceeded, timed by the Clock).
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock/index.js';
import type { KubeObject, ObjectStore } from '../types.js';
import type { SimCache } from './cache.js';
import { WorkQueue } from './queue.js';
import { rollingScaleDown, rollingScaleUp, surgeAndUnavailable, type RsReplicas } from './rollout-math.js';
import { clone, controllerRef, deleteIfExists, int, isCode, keyOf, mutate, rec, RES, splitKey, stableStringify, jsonEqual } from './resources.js';
import { POD_TEMPLATE_HASH, sameTemplate, templateHash } from './template-hash.js';
import { deploymentStatus } from './deployment-status.js';

/** Annotations the Deployment controller writes. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const DESIRED_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
const MAX_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

function revisionOf(rs: KubeObject): number {
  return int(Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '0'), 0);
}

/** Starts the Deployment controller; returns its stop function. */
export function startDeploymentController(store: ObjectStore, cache: SimCache, clock: Clock, log: Logger): () => void {
  const queue = new WorkQueue('deployment', clock, sync, log);

  cache.onEvent((ev) => {
    if (ev.res.group !== 'apps') return;
    if (ev.res.resource === 'deployments') queue.add(keyOf(ev.object));
    else if (ev.res.resource === 'replicasets') {
      const ref = controllerRef(ev.object);
      if (ref?.kind === 'Deployment') queue.add(`${ev.object.metadata.namespace ?? ''}/${ref.name}`);
    }
  });

  function setReplicas(rs: KubeObject, replicas: number, deploy: KubeObject, maxReplicas: number): KubeObject {
    const want = String(int(rec(deploy['spec'])['replicas'], 1));
    const cur = int(rec(rs['spec'])['replicas'], 1);
    const ann = rs.metadata.annotations ?? {};
    if (cur === replicas && ann[DESIRED_ANNOTATION] === want && ann[MAX_ANNOTATION] === String(maxReplicas)) return rs;
    const written = mutate(store, RES.replicasets, rs.metadata.namespace, rs.metadata.name ?? '', (o) => {
      o['spec'] = { ...rec(o['spec']), replicas };
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [DESIRED_ANNOTATION]: want, [MAX_ANNOTATION]: String(maxReplicas) };
      return true;
    }, { uid: rs.metadata.uid ?? '' });
    if (!written) return rs;
    cache.apply('MODIFIED', RES.replicasets, written);
    return written;
  }

  function sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const d = cache.get(RES.deployments, namespace, name);
    if (!d || d.metadata.deletionTimestamp !== undefined) return undefined;
    const spec = rec(d['spec']);
    const replicas = Math.max(0, int(spec['replicas'], 1));
    const strategy = rec(spec['strategy']);
    const recreate = strategy['type'] === 'Recreate';
    const ru = rec(strategy['rollingUpdate']);
    const { surge, unavailable } = recreate ? { surge: 0, unavailable: replicas } : surgeAndUnavailable(ru['maxSurge'], ru['maxUnavailable'], replicas);
    const owned = cache.owned(RES.replicasets, d.metadata.uid ?? '').filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
    let newRs = owned.find((rs) => sameTemplate(rec(rs['spec'])['template'], spec['template']));
    const old = owned.filter((rs) => rs !== newRs).sort((a, b) => revisionOf(a) - revisionOf(b) || cache.firstSeen(a) - cache.firstSeen(b));
    const maxOldRevision = old.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    let created = false;
    if (spec['paused'] !== true) {
      if (!newRs) {
        newRs = createNewRs(d, maxOldRevision + 1, recreate || old.some((r) => int(rec(r['spec'])['replicas'], 0) > 0) ? 0 : replicas);
        created = newRs !== undefined;
      } else if (revisionOf(newRs) <= maxOldRevision) {
        newRs = bumpRevision(newRs, maxOldRevision + 1);
      }
      if (newRs) scale(d, newRs, old, replicas, surge, unavailable, recreate);
      cleanupHistory(d, old);
    }
    const fresh = (rs: KubeObject): KubeObject => cache.get(RES.replicasets, rs.metadata.namespace, rs.metadata.name ?? '') ?? rs;
    const now = clock.now();
    const result = deploymentStatus(d, newRs ? fresh(newRs) : undefined, old.map(fresh), { replicas, unavailable, created, now });
    if (newRs) syncDeploymentRevision(d, revisionOf(fresh(newRs)));
    if (!jsonEqual(result.status, d['status'] ?? {})) {
      const written = mutate(store, RES.deployments, namespace, name, (o) => {
        const before = stableStringify(o['status'] ?? {});
        o['status'] = result.status;
        return stableStringify(o['status']) !== before;
      }, { status: true, uid: d.metadata.uid ?? '' });
      if (written) cache.apply('MODIFIED', RES.deployments, written);
    }
    return result.recheckInMs;
  }

  function scale(d: KubeObject, newRs: KubeObject, old: KubeObject[], replicas: number, surge: number, unavailable: number, recreate: boolean): void {
    const view = (rs: KubeObject): RsReplicas => ({
      name: rs.metadata.name ?? '',
      replicas: int(rec(rs['spec'])['replicas'], 1),
      available: int(rec(rs['status'])['availableReplicas'], 0),
    });
    const maxReplicas = replicas + surge;
    if (recreate) {
      for (const rs of old) setReplicas(rs, 0, d, maxReplicas);
      const oldPods = old.reduce((s, rs) => s + int(rec(rs['status'])['replicas'], 0), 0);
      if (oldPods === 0 || replicas === 0) setReplicas(newRs, replicas, d, maxReplicas);
      return;
    }
    const nv = view(newRs);
    const all = [nv, ...old.map(view)];
    nv.replicas = rollingScaleUp(all, nv, replicas, surge);
    setReplicas(newRs, nv.replicas, d, maxReplicas);
    const down = rollingScaleDown(old.map(view), nv, replicas, unavailable);
    for (const rs of old) {
      const n = down.get(rs.metadata.name ?? '');
      if (n !== undefined) setReplicas(rs, n, d, maxReplicas);
    }
  }

  function createNewRs(d: KubeObject, revision: number, replicas: number): KubeObject | undefined {
    const spec = rec(d['spec']);
    const template = clone(rec(spec['template']));
    let collisions = int(rec(d['status'])['collisionCount'], 0);
    for (let attempt = 0; attempt < 5; attempt++, collisions++) {
      const hash = templateHash(template, collisions);
      const tmeta = rec(template['metadata']);
      const tmpl = { ...template, metadata: { ...tmeta, labels: { ...rec(tmeta['labels']), [POD_TEMPLATE_HASH]: hash } } };
      const sel = clone(rec(spec['selector']));
      const rs: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name ?? ''}-${hash}`,
          namespace: d.metadata.namespace,
          labels: { ...(rec(tmeta['labels']) as Record<string, string>), [POD_TEMPLATE_HASH]: hash },
          annotations: {
            [REVISION_ANNOTATION]: String(revision),
            [DESIRED_ANNOTATION]: String(int(spec['replicas'], 1)),
          },
          ownerReferences: [
            { apiVersion: d.apiVersion, kind: d.kind, name: d.metadata.name ?? '', uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: {
          replicas,
          minReadySeconds: int(spec['minReadySeconds'], 0),
          selector: { ...sel, matchLabels: { ...rec(sel['matchLabels']), [POD_TEMPLATE_HASH]: hash } },
          template: tmpl,
        },
      };
      try {
        const created = store.create(RES.replicasets, rs);
        cache.apply('ADDED', RES.replicasets, created);
        if (collisions > 0) recordCollisions(d, collisions);
        return created;
      } catch (err) {
        if (!isCode(err, 409)) throw err;
        const existing = store.get(RES.replicasets, d.metadata.namespace, rs.metadata.name ?? '');
        if (existing && controllerRef(existing)?.uid === d.metadata.uid && sameTemplate(rec(existing['spec'])['template'], template)) return existing;
      }
    }
    return undefined;
  }

  function recordCollisions(d: KubeObject, n: number): void {
    mutate(store, RES.deployments, d.metadata.namespace, d.metadata.name ?? '', (o) => {
      o['status'] = { ...rec(o['status']), collisionCount: n };
      return true;
    }, { status: true, uid: d.metadata.uid ?? '' });
  }

  function bumpRevision(rs: KubeObject, revision: number): KubeObject {
    const written = mutate(store, RES.replicasets, rs.metadata.namespace, rs.metadata.name ?? '', (o) => {
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [REVISION_ANNOTATION]: String(revision) };
      return true;
    }, { uid: rs.metadata.uid ?? '' });
    if (!written) return rs;
    cache.apply('MODIFIED', RES.replicasets, written);
    return written;
  }

  function syncDeploymentRevision(d: KubeObject, revision: number): void {
    if (d.metadata.annotations?.[REVISION_ANNOTATION] === String(revision)) return;
    const written = mutate(store, RES.deployments, d.metadata.namespace, d.metadata.name ?? '', (o) => {
      if (o.metadata.annotations?.[REVISION_ANNOTATION] === String(revision)) return false;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [REVISION_ANNOTATION]: String(revision) };
      return true;
    }, { uid: d.metadata.uid ?? '' });
    if (written) cache.apply('MODIFIED', RES.deployments, written);
  }

  /** Deletes the oldest idle ReplicaSets beyond `spec.revisionHistoryLimit` (default 10). */
  function cleanupHistory(d: KubeObject, old: KubeObject[]): void {
    const limit = Math.max(0, int(rec(d['spec'])['revisionHistoryLimit'], 10));
    const idle = old.filter((rs) => int(rec(rs['spec'])['replicas'], 1) === 0 && int(rec(rs['status'])['replicas'], 0) === 0);
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      deleteIfExists(store, RES.replicasets, rs.metadata.namespace, rs.metadata.name ?? '');
    }
  }

  return () => queue.stop();
}
