/**
 * What happens around CRD writes: validation, registering the served versions, the
 * Established/NamesAccepted status (as the apiextensions controllers set it), and removing
 * the resource and its instances when the CRD goes.
 */
import { toRfc3339 } from '../../clock/index.js';
import { invalid } from '../errors.js';
import type { ServedResource } from '../registry.js';
import type { MemoryStore } from '../store.js';
import { deepEqual, isObject } from '../storage/json.js';
import type { KubeObject, ResourceKey } from '../types.js';
import { compareKubeVersions, crdCauses, crdServedResources, crdSpec } from './served.js';

const CRDS: ResourceKey = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };

/** CRD hooks of a {@link MemoryStore}. */
export class CrdLifecycle {
  constructor(private readonly store: MemoryStore) {}

  /** True for the CRD resource itself. */
  isCrd(r: ServedResource): boolean {
    return r.group === CRDS.group && r.resource === CRDS.resource;
  }

  /** 422 for an invalid CRD. */
  validate(r: ServedResource, obj: KubeObject): void {
    if (!this.isCrd(r)) return;
    const causes = crdCauses(obj);
    if (causes.length) throw invalid(r, obj.metadata.name ?? '', causes);
  }

  /** After a committed create/update of a CRD: serve its versions, then report it Established. */
  afterWrite(r: ServedResource, crd: KubeObject): void {
    if (!this.isCrd(r) || crd.metadata.deletionTimestamp) return;
    const spec = crdSpec(crd);
    const served = crdServedResources(crd);
    const registry = this.store.registry;
    const old = registry.versionsOf(spec.group, spec.names.plural);
    for (const o of old) if (o.crdName !== crd.metadata.name) return; // names conflict: not accepted
    registry.remove(spec.group, spec.names.plural);
    for (const s of served) registry.add(s);
    registry.setVersionOrder(spec.group, [...registry.versions(spec.group)].sort(compareKubeVersions));
    const status = this.desiredStatus(crd);
    if (!deepEqual(status, crd['status'])) {
      this.store.updateStatus(CRDS, { ...crd, status, metadata: { ...crd.metadata, resourceVersion: undefined } });
    }
  }

  private desiredStatus(crd: KubeObject): Record<string, unknown> {
    const spec = crdSpec(crd);
    const old = isObject(crd['status']) ? crd['status'] : {};
    const oldConds = Array.isArray(old['conditions']) ? (old['conditions'] as Array<Record<string, unknown>>) : [];
    const now = toRfc3339(this.store.clock.now());
    const cond = (type: string, reason: string, message: string): Record<string, unknown> => {
      const prev = oldConds.find((c) => c['type'] === type && c['status'] === 'True');
      return { type, status: 'True', lastTransitionTime: prev?.['lastTransitionTime'] ?? now, reason, message };
    };
    const n = spec.names;
    const storage = spec.versions.find((v) => v.storage)?.name ?? '';
    const stored = Array.isArray(old['storedVersions']) ? (old['storedVersions'] as string[]) : [];
    return {
      conditions: [
        cond('NamesAccepted', 'NoConflicts', 'no conflicts found'),
        cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
      ],
      acceptedNames: {
        plural: n.plural,
        singular: n.singular ?? n.kind.toLowerCase(),
        kind: n.kind,
        listKind: n.listKind ?? `${n.kind}List`,
        ...(n.shortNames ? { shortNames: n.shortNames } : {}),
        ...(n.categories ? { categories: n.categories } : {}),
      },
      storedVersions: stored.includes(storage) ? stored : [...stored, storage],
    };
  }

  /** Before a CRD is removed: delete every instance (with DELETED events). */
  purgeInstances(crd: KubeObject): void {
    const spec = crdSpec(crd);
    this.store.purgeStorage(spec.group, spec.names.plural);
  }

  /** After a CRD is removed: stop serving it. */
  afterDelete(crd: KubeObject): void {
    const spec = crdSpec(crd);
    this.store.registry.remove(spec.group, spec.names.plural);
    this.store.dropStorage(spec.group, spec.names.plural);
  }
}
