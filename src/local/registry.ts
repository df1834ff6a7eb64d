/**
 * What resource types the cluster serves: built-ins and those added by CRDs. One
 * {@link ServedResource} per group/version/resource; versions of one group/resource share
 * storage (keyed by {@link storageKey}).
 */
import type { ResourceInfo, ResourceKey } from './types.js';

/** A printer column (CRD `additionalPrinterColumns` shape). */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Paths of the `/scale` subresource (CRD `subresources.scale` shape). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Everything the server needs to serve one group/version/resource. */
export interface ServedResource extends ResourceInfo {
  verbs: string[];
  categories: string[];
  /** metadata.generation is maintained (bumped on changes outside metadata and status). */
  hasGeneration: boolean;
  scale?: ScalePaths;
  /** The CRD openAPIV3Schema for this version (custom resources only). */
  schema?: Record<string, unknown>;
  /** True for resources defined by a CRD. */
  custom: boolean;
  /** Columns for the Table format; undefined means the default Name/Age. */
  printerColumns?: PrinterColumn[];
  /** Field selector labels supported beyond metadata.name/namespace. */
  fieldLabels: string[];
  /** Name of the CRD that defines it (custom resources only). */
  crdName?: string;
}

/** Shared storage identity of a resource: `group/resource`. */
export function storageKey(res: Pick<ResourceKey, 'group' | 'resource'>): string {
  return `${res.group}/${res.resource}`;
}

/** `apps/v1` or `v1`. */
export function groupVersion(res: Pick<ResourceKey, 'group' | 'version'>): string {
  return res.group ? `${res.group}/${res.version}` : res.version;
}

/** Splits an apiVersion into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The served resource types, indexed by group/version/resource and by group/version/kind. */
export class ResourceRegistry {
  private readonly byGvr = new Map<string, ServedResource>();
  private readonly byGvk = new Map<string, ServedResource>();
  /** Preferred version order per group, as registered. */
  private readonly groupVersions = new Map<string, string[]>();

  /** Adds or replaces a resource type. */
  add(res: ServedResource): void {
    this.byGvr.set(`${res.group}/${res.version}/${res.resource}`, res);
    this.byGvk.set(`${res.group}/${res.version}/${res.kind}`, res);
    const versions = this.groupVersions.get(res.group) ?? [];
    if (!versions.includes(res.version)) versions.push(res.version);
    this.groupVersions.set(res.group, versions);
  }

  /** Removes every version of group/resource. */
  remove(group: string, resource: string): void {
    for (const [k, r] of this.byGvr) {
      if (r.group === group && r.resource === resource) {
        this.byGvr.delete(k);
        this.byGvk.delete(`${r.group}/${r.version}/${r.kind}`);
      }
    }
    const left = this.groupVersions.get(group)?.filter((v) => this.resourcesIn(group, v).length > 0) ?? [];
    if (left.length) this.groupVersions.set(group, left);
    else this.groupVersions.delete(group);
  }

  /** Sets the version order of a group (first = preferred). */
  setVersionOrder(group: string, versions: string[]): void {
    const known = this.groupVersions.get(group) ?? [];
    this.groupVersions.set(group, [...versions.filter((v) => known.includes(v)), ...known.filter((v) => !versions.includes(v))]);
  }

  get(key: ResourceKey): ServedResource | undefined {
    return this.byGvr.get(`${key.group}/${key.version}/${key.resource}`);
  }

  /** Like {@link get} but throws a plain Error when unknown (for in-process callers). */
  must(key: ResourceKey): ServedResource {
    const r = this.get(key);
    if (!r) throw new Error(`resource ${key.resource} in ${groupVersion(key)} is not served`);
    return r;
  }

  byKind(group: string, version: string, kind: string): ServedResource | undefined {
    return this.byGvk.get(`${group}/${version}/${kind}`);
  }

  /** Group names, core ('') first. */
  groups(): string[] {
    return [...this.groupVersions.keys()];
  }

  /** Versions of a group, preferred first. */
  versions(group: string): string[] {
    return this.groupVersions.get(group) ?? [];
  }

  resourcesIn(group: string, version: string): ServedResource[] {
    return [...this.byGvr.values()].filter((r) => r.group === group && r.version === version);
  }

  /** Every version served of one group/resource. */
  versionsOf(group: string, resource: string): ServedResource[] {
    return [...this.byGvr.values()].filter((r) => r.group === group && r.resource === resource);
  }

  /** One served resource per storage key (any version). */
  storageResources(): ServedResource[] {
    const seen = new Map<string, ServedResource>();
    for (const r of this.byGvr.values()) if (!seen.has(storageKey(r))) seen.set(storageKey(r), r);
    return [...seen.values()];
  }
}
