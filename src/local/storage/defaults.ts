/**
 * Defaulting and create-time resets for built-in kinds, the small part of the real defaulters
 * the local cluster needs (replicas, Deployment strategy, Service type and cluster IP, Pod and
 * Namespace phase).
 */
import type { KubeObject } from '../types.js';
import type { ServedResource } from '../registry.js';
import { isObject, type JsonObject } from './json.js';

function spec(obj: KubeObject): JsonObject {
  if (!isObject(obj['spec'])) obj['spec'] = {};
  return obj['spec'] as JsonObject;
}

function defaultPodSpec(ps: unknown): void {
  if (!isObject(ps)) return;
  ps['restartPolicy'] ??= 'Always';
  ps['dnsPolicy'] ??= 'ClusterFirst';
  ps['schedulerName'] ??= 'default-scheduler';
  ps['terminationGracePeriodSeconds'] ??= 30;
  for (const c of Array.isArray(ps['containers']) ? ps['containers'] : []) {
    if (!isObject(c)) continue;
    const image = typeof c['image'] === 'string' ? c['image'] : '';
    c['imagePullPolicy'] ??= image.endsWith(':latest') || !image.includes(':') ? 'Always' : 'IfNotPresent';
    c['terminationMessagePath'] ??= '/dev/termination-log';
    c['terminationMessagePolicy'] ??= 'File';
    for (const p of Array.isArray(c['ports']) ? c['ports'] : []) if (isObject(p)) p['protocol'] ??= 'TCP';
  }
}

/** Fills defaults on every write of a built-in kind (in place). */
export function applyDefaults(res: ServedResource, obj: KubeObject): void {
  if (res.custom) return;
  const key = `${res.group}/${res.resource}`;
  switch (key) {
    case 'apps/deployments': {
      const s = spec(obj);
      s['replicas'] ??= 1;
      s['revisionHistoryLimit'] ??= 10;
      s['progressDeadlineSeconds'] ??= 600;
      if (!isObject(s['strategy'])) s['strategy'] = { type: 'RollingUpdate' };
      const st = s['strategy'] as JsonObject;
      st['type'] ??= 'RollingUpdate';
      if (st['type'] === 'RollingUpdate') st['rollingUpdate'] ??= { maxUnavailable: '25%', maxSurge: '25%' };
      if (isObject(s['template'])) defaultPodSpec(s['template']['spec']);
      break;
    }
    case 'apps/replicasets': {
      const s = spec(obj);
      s['replicas'] ??= 1;
      if (isObject(s['template'])) defaultPodSpec(s['template']['spec']);
      break;
    }
    case '/pods':
      defaultPodSpec(spec(obj));
      break;
    case '/services': {
      const s = spec(obj);
      s['type'] ??= 'ClusterIP';
      s['sessionAffinity'] ??= 'None';
      for (const p of Array.isArray(s['ports']) ? s['ports'] : []) {
        if (!isObject(p)) continue;
        p['protocol'] ??= 'TCP';
        p['targetPort'] ??= p['port'];
      }
      break;
    }
    case '/secrets':
      if (!obj['type']) obj['type'] = 'Opaque';
      break;
    default:
      break;
  }
}

let nextIp = 1;

/** Resets status (and allocates what the server allocates) on create (in place). */
export function prepareForCreate(res: ServedResource, obj: KubeObject): void {
  const key = `${res.group}/${res.resource}`;
  if (res.subresources.includes('status') && key !== '/pods' && key !== '/namespaces') delete obj['status'];
  if (key === '/pods') obj['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
  if (key === '/namespaces') {
    obj['status'] = { phase: 'Active' };
    spec(obj)['finalizers'] = ['kubernetes'];
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
  }
  if (key === '/services') {
    const s = spec(obj);
    if (s['clusterIP'] === undefined && s['type'] !== 'ExternalName') {
      const n = nextIp++;
      s['clusterIP'] = `10.96.${(n >> 8) & 255}.${n & 255}`;
      s['clusterIPs'] = [s['clusterIP']];
    }
    obj['status'] = { loadBalancer: {} };
  }
  if (key === 'apps/deployments' || key === 'apps/replicasets') obj['status'] = {};
}
