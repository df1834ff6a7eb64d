/**
 * The request audit: who made each request and what it asked for, in the terms RBAC decides
 * on (verb, API group, resource, subresource, namespace, name). The local cluster has no
 * authorization; the audit lets a test check the requests a client made against a role.
 */
import { parseRoute } from './route.js';

/** The user of the cluster's built-in bearer token (the kubeconfig's `sluice-local-admin`). */
export const ADMIN_USER = 'sluice-local-admin';

/** One request as the API server received it. */
export interface RequestRecord {
  /** The user whose bearer token the request carried; undefined when it matched none (401). */
  readonly user: string | undefined;
  /** The HTTP method. */
  readonly method: string;
  /** The URL path, without the query. */
  readonly path: string;
  /**
   * True for requests on resources (`/api/v1/...`, `/apis/<group>/<version>/<resource>...`);
   * false for discovery, `/version`, `/openapi/*`, health (RBAC's non-resource URLs).
   */
  readonly resourceRequest: boolean;
  /**
   * The RBAC verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
   * `deletecollection`; for a non-resource request the lower-case HTTP method.
   */
  readonly verb: string;
  /** '' for the core group and for non-resource requests. */
  readonly apiGroup: string;
  readonly apiVersion: string;
  /** Plural resource name; '' for non-resource requests. */
  readonly resource: string;
  /** `status`, `scale`, ...; '' when none. */
  readonly subresource: string;
  /** '' for cluster-scoped requests and requests across all namespaces. */
  readonly namespace: string;
  /** '' for collection requests. */
  readonly name: string;
  /** The `fieldManager` query parameter of writes; '' when absent. */
  readonly fieldManager: string;
  /** The User-Agent header; '' when absent. */
  readonly userAgent: string;
}

/** Receives one record per request, before the request is answered. */
export type RequestListener = (record: RequestRecord) => void;

function truthy(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** The audit record of a request (the verb as the Kubernetes API server derives it). */
export function requestRecord(method: string, url: URL, user: string | undefined, userAgent: string | undefined): RequestRecord {
  let path = url.pathname.replace(/\/+$/, '') || '/';
  let watch = truthy(url.searchParams.get('watch'));
  // The deprecated `/api/v1/watch/...` form: a watch of what follows.
  const legacy = /^(\/api\/[^/]+|\/apis\/[^/]+\/[^/]+)\/watch(\/.*)$/.exec(path);
  if (legacy) {
    path = `${legacy[1]}${legacy[2]}`;
    watch = true;
  }
  const base = { user, method, path: url.pathname, fieldManager: url.searchParams.get('fieldManager') ?? '', userAgent: userAgent ?? '' };
  const route = parseRoute(path);
  if (route.type !== 'resource') {
    return { ...base, resourceRequest: false, verb: method.toLowerCase(), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
  }
  const r = route.route;
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = watch ? 'watch' : r.name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = r.name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  return {
    ...base,
    resourceRequest: true,
    verb,
    apiGroup: r.group,
    apiVersion: r.version,
    resource: r.resource,
    subresource: r.subresource ?? '',
    namespace: r.namespace ?? '',
    name: r.name ?? '',
  };
}
