/** Discovery documents: /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>, /version. */
import { groupVersion, type ResourceRegistry, type ServedResource } from '../registry.js';

/** The version the local cluster reports. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-sluice.local',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** `/api`. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(reg: ResourceRegistry, group: string): Record<string, unknown> {
  const versions = reg.versions(group).map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** `/apis`. */
export function apiGroupList(reg: ResourceRegistry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: reg.groups().filter((g) => g !== '').map((g) => apiGroup(reg, g)) };
}

/** `/apis/<group>`, or undefined when not served. */
export function apiGroupDoc(reg: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  if (!group || !reg.versions(group).length) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(reg, group) };
}

function entries(r: ServedResource): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length) main['shortNames'] = r.shortNames;
  if (r.categories.length) main['categories'] = r.categories;
  const out = [main];
  if (r.subresources.includes('status')) {
    out.push({ name: `${r.resource}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
  }
  if (r.subresources.includes('scale')) {
    out.push({ name: `${r.resource}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  }
  return out;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when not served. */
export function apiResourceList(reg: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const rs = reg.resourcesIn(group, version);
  if (!rs.length) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources: rs.flatMap(entries) };
}
