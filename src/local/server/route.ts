/** Parses a Kubernetes REST path into what it addresses. */

/** A request for objects of a resource. */
export interface ResourceRoute {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** What a path addresses. */
export type Route =
  | { type: 'resource'; route: ResourceRoute }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'other'; path: string };

/** Parses `/api/v1/...` and `/apis/<group>/<version>/...`. */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'api' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'apis' };
    group = parts[1] ?? '';
    if (parts.length === 2) return { type: 'group', group };
    version = parts[2];
    rest = parts.slice(3);
  } else return { type: 'other', path: pathname };
  if (!version) return { type: 'other', path: pathname };
  if (rest.length === 0) return { type: 'groupVersion', group, version };
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    return { type: 'resource', route: { group, version, namespace: rest[1], resource: rest[2] ?? '', name: rest[3], subresource: rest[4] } };
  }
  return { type: 'resource', route: { group, version, resource: rest[0] ?? '', name: rest[1], subresource: rest[2] } };
}
