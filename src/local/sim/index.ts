/**
 * The simulated workload layer of the local cluster: what kube-controller-manager and the
 * kubelet do that a rollout controller can observe. It runs in-process beside the store and acts
 * on it directly (every write goes through the API server's rules and emits watch events):
 *
 * - ReplicaSet controller (rs-controller.ts): pods per ReplicaSet, RS status.
 * - Kubelet (kubelet.ts): pod status, readiness after a delay, crash loops, readiness override.
 * - Deployment controller (deployment-controller.ts): hashed ReplicaSets, rolling update.
 * - Endpoints controller (endpoints-controller.ts): ready / not-ready pod addresses per Service.
 * - Garbage collector (gc.ts): background, orphan and foreground cascading deletion.
 *
 * All are event-driven from one store subscription (cache.ts) through de-duplicating queues
 * (queue.ts); all timing goes through the injected Clock.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock/index.js';
import type { ObjectStore } from '../types.js';
import { SimCache } from './cache.js';
import { startDeploymentController } from './deployment-controller.js';
import { startEndpointsController } from './endpoints-controller.js';
import { startGarbageCollector } from './gc.js';
import { startKubelet } from './kubelet.js';
import { defaultLogger } from './log.js';
import { RES } from './resources.js';
import { startReplicaSetController } from './rs-controller.js';

export { READY_ANNOTATION, NODE_NAME, HOST_IP } from './pod-status.js';
export { POD_TEMPLATE_HASH } from './template-hash.js';
export { REVISION_ANNOTATION } from './deployment-controller.js';

/** Options of {@link startSimulation}. */
export interface SimulationOptions {
  clock: Clock;
  /** Milliseconds from a Pod's creation to Ready. */
  podReadyDelayMs: number;
  /** Pods whose image matches never become Ready: they crash-loop. */
  badImagePattern?: RegExp;
  /** Logger (default: pino at `SLUICE_SIM_LOG` level, else warn). */
  logger?: Logger;
  /** Which controllers to run (default: all). */
  controllers?: Partial<Record<'replicasets' | 'kubelet' | 'deployments' | 'endpoints' | 'gc', boolean>>;
}

/** A running simulation. */
export interface Simulation {
  /** Stops every controller and the store subscription; pending timers are cancelled. */
  stop(): void;
}

/** Starts the simulated controllers and kubelet against `store`. */
export function startSimulation(store: ObjectStore, opts: SimulationOptions): Simulation {
  const log = (opts.logger ?? defaultLogger()).child({ component: 'sim' });
  const cache = new SimCache([RES.pods, RES.replicasets, RES.deployments, RES.services, RES.endpoints], log);
  const on = (k: keyof NonNullable<SimulationOptions['controllers']>): boolean => opts.controllers?.[k] !== false;
  const stops: Array<() => void> = [];
  if (on('gc')) stops.push(startGarbageCollector(store, cache, opts.clock, log));
  if (on('deployments')) stops.push(startDeploymentController(store, cache, opts.clock, log));
  if (on('replicasets')) stops.push(startReplicaSetController(store, cache, opts.clock, log));
  if (on('kubelet')) {
    stops.push(startKubelet(store, cache, { clock: opts.clock, podReadyDelayMs: opts.podReadyDelayMs, badImagePattern: opts.badImagePattern, log }));
  }
  if (on('endpoints')) stops.push(startEndpointsController(store, cache, opts.clock, log));
  cache.start(store);
  return {
    stop() {
      cache.stop();
      for (const s of stops) s();
    },
  };
}
