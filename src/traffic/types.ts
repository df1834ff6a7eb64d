/**
 * The one interface every traffic router implements (Istio, NGINX Ingress, Gateway API, SMI).
 * The Rollout reconciler decides the weights (pure, in strategies/); a router only writes them
 * to its objects, verifies them, and cleans up what it manages. Modelled on Argo Rollouts'
 * TrafficRoutingReconciler so the semantics carry over.
 */
import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';

/** What a router knows about the rollout it serves. */
export interface TrafficContext {
  kubeConfig: KubeConfig;
  /**
   * The client to use: the controller passes one made from its shared ApiClients, so router
   * requests share the rate limiter, connection reuse and request metrics. Default: one made
   * from `kubeConfig`.
   */
  customObjects?: CustomObjectsApi;
  namespace: string;
  rolloutName: string;
  rolloutUid: string;
  /** `spec.strategy.canary.canaryService` / `stableService` (host-level routing). */
  canaryService: string;
  stableService: string;
  /** Sum of weights on the router; 100 unless `trafficRouting.maxTrafficWeight` says otherwise. */
  maxWeight: number;
  /** Field manager for every write. */
  fieldManager: 'sluice-controller';
  /** Where routers log; silent when omitted. */
  logger?: Logger;
  /**
   * API versions to speak, for clusters that serve other ones. Defaults: Istio
   * `networking.istio.io/v1beta1`, Gateway API `gateway.networking.k8s.io/v1`, SMI
   * `split.smi-spec.io/v1alpha2`.
   */
  apiVersions?: { istio?: string; gatewayAPI?: string; smi?: string };
}

/**
 * A header-based route to the canary (step `setHeaderRoute`), Argo Rollouts' field names.
 * As in Argo Rollouts, a route without `match` removes the route of that name.
 */
export interface HeaderRoute {
  name: string;
  match?: Array<{ headerName: string; headerValue: { exact?: string; regex?: string; prefix?: string } }>;
}

/** An Istio-style string match (`exact`, `prefix` or `regex`), as Argo Rollouts writes it. */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/** One match of a mirror route (Argo Rollouts' `RouteMatch`); the fields are ANDed. */
export interface MirrorRouteMatch {
  method?: StringMatch;
  path?: StringMatch;
  headers?: Record<string, StringMatch>;
}

/**
 * A mirror route to the canary (step `setMirrorRoute`), Argo Rollouts' field names. Matches are
 * ORed. As in Argo Rollouts, a route without `match` removes the route of that name.
 */
export interface MirrorRoute {
  name: string;
  /** Percent of matching requests mirrored to the canary; default 100. */
  percentage?: number;
  match?: MirrorRouteMatch[];
}

/** Any Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
      blockOwnerDeletion?: boolean;
    }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * A router cannot do what it was asked because of the rollout's configuration or the state of
 * the objects it points to (the same facts {@link TrafficRouter.validate} reports). The
 * reconciler turns it into an `InvalidSpec` condition rather than retrying blindly.
 */
export class RouterConfigError extends Error {
  override name = 'RouterConfigError';
  constructor(readonly problems: RouterProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

/** A problem with the rollout's references, named by field, with the fix. */
export interface RouterProblem {
  field: string;
  message: string;
}

/** Writes and verifies traffic weights for one rollout on one kind of router. */
export interface TrafficRouter {
  /** `istio`, `nginx`, `gatewayAPI`, `smi`. */
  readonly type: string;
  /** Checks that every referenced object and route exists; [] when all is well. */
  validate(signal: AbortSignal): Promise<RouterProblem[]>;
  /** Subset-level routing: points the canary/stable subsets at these pod-template hashes. */
  updateHash(canaryHash: string | undefined, stableHash: string | undefined, signal: AbortSignal): Promise<void>;
  /** Sends `canaryWeight` to the canary and `maxWeight - canaryWeight` to stable. Idempotent. */
  setWeight(canaryWeight: number, signal: AbortSignal): Promise<void>;
  /** Reads the objects back: true when the router shows exactly `canaryWeight`. */
  verifyWeight(canaryWeight: number, signal: AbortSignal): Promise<boolean>;
  setHeaderRoute(route: HeaderRoute, signal: AbortSignal): Promise<void>;
  setMirrorRoute(route: MirrorRoute, signal: AbortSignal): Promise<void>;
  /** Removes every route the controller added (header and mirror routes), leaving the rest. */
  removeManagedRoutes(signal: AbortSignal): Promise<void>;
  /** Called when the rollout is fully promoted or aborted and settled: remove generated objects. */
  finalize(signal: AbortSignal): Promise<void>;
}
