/** Labels, annotations and owner references the routers put on objects they manage. */
import { pino, type Logger } from 'pino';
import type { KubeObject, TrafficContext } from './types.js';

/** Marks an object (or a change to one) as managed for a Rollout; the value is the Rollout's name. */
export const MANAGED_BY_KEY = 'sluice.dev/managed-by-rollouts';

/** The pod-template-hash label the DestinationRule subsets select on (Argo Rollouts' key). */
export { POD_TEMPLATE_HASH_LABEL } from '../api/group.js';

/** Log keys used by the routers. */
export const LogKeys = {
  router: 'router',
  object: 'object',
  canaryWeight: 'canaryWeight',
  route: 'route',
  rollout: 'rollout',
} as const;

/** The ownerReference that makes an object the Rollout's (garbage-collected with it). */
export function rolloutOwnerReference(ctx: TrafficContext): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    name: ctx.rolloutName,
    uid: ctx.rolloutUid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when `obj` has an ownerReference to this Rollout (by uid). */
export function isOwnedByRollout(obj: KubeObject, ctx: TrafficContext): boolean {
  return (obj.metadata.ownerReferences ?? []).some((o) => o.uid === ctx.rolloutUid);
}

const silent = pino({ level: 'silent' });

/** The context's logger, bound to a router type. */
export function routerLogger(ctx: TrafficContext, router: string): Logger {
  return (ctx.logger ?? silent).child({ [LogKeys.router]: router, [LogKeys.rollout]: `${ctx.namespace}/${ctx.rolloutName}` });
}

/** Splits `group/version`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
