/** Helpers for the simulated-workload tests: a bounded poll, a simulated store, and object builders. */
import { FakeClock } from '../../src/clock/index.js';
import { startSimulation, type Simulation, type SimulationOptions } from '../../src/local/sim/index.js';
import { MemoryStore } from '../../src/local/store.js';
import type { KubeObject, ResourceKey } from '../../src/local/types.js';

/**
 * Polls `probe` (real time, every few ms) until it returns a value other than undefined/false,
 * and returns it; fails with `what` and the last value seen after `timeoutMs`.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  let interval = 2;
  for (;;) {
    try {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(100, interval * 1.5); // heavy probes must not starve the work they wait for
  }
}

/** Async variant of {@link waitFor} for probes that do I/O. */
export async function waitForAsync<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${String(last instanceof Error ? last.message : last)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets queued work (setImmediate turns) run. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** A pod template with one container per image. */
export function podTemplate(labels: Record<string, string>, images: string[] = ['nginx:1.25'], annotations?: Record<string, string>): Record<string, unknown> {
  return {
    metadata: { labels, ...(annotations ? { annotations } : {}) },
    spec: { containers: images.map((image, i) => ({ name: i === 0 ? 'app' : `c${i}`, image, ports: [{ name: 'http', containerPort: 8080 }] })) },
  };
}

/** A ReplicaSet manifest. */
export function replicaSet(name: string, replicas: number, labels: Record<string, string>, extra: Record<string, unknown> = {}, images?: string[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: labels }, template: podTemplate(labels, images), ...extra },
  };
}

/** A Deployment manifest. */
export function deployment(name: string, replicas: number, labels: Record<string, string>, image = 'nginx:1.25', extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: labels }, template: podTemplate(labels, [image]), ...extra },
  };
}

/** Reads a field path like `status.readyReplicas` from an object. */
export function field(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The value of the pod's Ready condition ('True' / 'False' / undefined). */
export function readyCondition(pod: KubeObject | unknown): string | undefined {
  const conds = field(pod, 'status.conditions');
  if (!Array.isArray(conds)) return undefined;
  const c = conds.find((x: unknown) => field(x, 'type') === 'Ready') as Record<string, unknown> | undefined;
  return typeof c?.['status'] === 'string' ? c['status'] : undefined;
}

/** A MemoryStore with the simulation running on a FakeClock, fresh for each test. */
export interface SimStore {
  clock: FakeClock;
  store: MemoryStore;
  sim: Simulation;
  /** Advances the fake clock and lets the controllers react. */
  advance(ms: number): Promise<void>;
  get(res: ResourceKey, name: string): KubeObject | undefined;
  /** Pods in `default` whose ownerReferences name `owner`. */
  podsOf(owner: KubeObject): KubeObject[];
  /** Read-modify-write of a pod in `default`. */
  patchPod(name: string, f: (p: KubeObject) => void): void;
}

/** Resource keys used by the simulation tests. */
export const R = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  rs: { group: 'apps', version: 'v1', resource: 'replicasets' },
  deploy: { group: 'apps', version: 'v1', resource: 'deployments' },
  svc: { group: '', version: 'v1', resource: 'services' },
  ep: { group: '', version: 'v1', resource: 'endpoints' },
  crd: { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' },
} as const satisfies Record<string, ResourceKey>;

/** Registers beforeEach/afterEach hooks that start and stop a {@link SimStore}. */
export function useSimStore(opts: Omit<SimulationOptions, 'clock'>): () => SimStore {
  let cur: SimStore | undefined;
  beforeEach(() => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    store.registerBuiltins();
    const sim = startSimulation(store, { clock, ...opts });
    cur = {
      clock,
      store,
      sim,
      async advance(ms) {
        clock.advance(ms);
        await settle();
      },
      get: (res, name) => store.get(res, 'default', name),
      podsOf: (owner) => store.list(R.pods, 'default').filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)),
      patchPod(name, f) {
        const p = store.get(R.pods, 'default', name);
        if (!p) throw new Error(`pod ${name} not found`);
        f(p);
        store.update(R.pods, p);
      },
    };
  });
  afterEach(() => cur?.sim.stop());
  return () => {
    if (!cur) throw new Error('sim store not started');
    return cur;
  };
}
