/**
 * The resource endpoints: get, list, watch, create, update, patch, delete and
 * deletecollection on `/api/v1/...` and `/apis/<group>/<version>/...`, plus the status and
 * scale subresources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, notFound } from '../errors.js';
import { groupVersion, type ServedResource } from '../registry.js';
import { parseFieldSelector, parseLabelSelector } from '../selectors.js';
import type { DeleteOptions } from '../store.js';
import { isObject } from '../storage/json.js';
import { ApiError, type KubeObject } from '../types.js';
import type { ServerContext } from './context.js';
import { parseJson, readBody, sendJson } from './io.js';
import { handlePatch } from './patch.js';
import { writeOptions, type RequestQuery } from './query.js';
import type { ResourceRoute } from './route.js';
import { fromScale, toScale } from './scale.js';
import { toTable } from './table.js';
import { serveWatch } from './watch.js';

/** The Kubernetes verb of a request. */
export function verbOf(method: string, route: ResourceRoute, watch: boolean): string {
  switch (method) {
    case 'GET':
      return route.name ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return route.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

const NOT_FOUND = new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/** Resolves the served resource of a route, or 404 as the server answers for unknown paths. */
export function resolve(ctx: ServerContext, route: ResourceRoute): ServedResource {
  const r = ctx.store.registry.get(route);
  if (!r) throw NOT_FOUND;
  if (!r.namespaced && route.namespace !== undefined) throw NOT_FOUND;
  if (r.namespaced && route.namespace === undefined && route.name !== undefined) throw NOT_FOUND;
  if (route.subresource && !r.subresources.includes(route.subresource as 'status' | 'scale')) throw NOT_FOUND;
  if (route.subresource && !route.name) throw NOT_FOUND;
  return r;
}

function bodyObject(text: string): KubeObject {
  const body = parseJson(text);
  if (!isObject(body)) throw badRequest('the body of the request must be a JSON object');
  if (!isObject(body['metadata'])) body['metadata'] = {};
  return body as KubeObject;
}

function checkIdentity(r: ServedResource, route: ResourceRoute, obj: KubeObject, named: boolean): void {
  const av = groupVersion(r);
  if (obj.apiVersion && obj.apiVersion !== av) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${av})`);
  }
  if (obj.kind && obj.kind !== r.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.kind})`);
  obj.apiVersion = av;
  obj.kind = r.kind;
  if (r.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== route.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = route.namespace;
  }
  if (named && obj.metadata.name !== route.name) {
    throw badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${route.name ?? ''})`);
  }
}

function current(ctx: ServerContext, r: ServedResource, route: ResourceRoute): KubeObject {
  const obj = ctx.store.getRaw(r, route.namespace, route.name ?? '');
  if (!obj) throw notFound(r, route.name ?? '');
  return obj;
}

function deleteOptions(q: RequestQuery, bodyText: string): DeleteOptions {
  const body = bodyText.trim() ? parseJson(bodyText) : {};
  const b = isObject(body) ? body : {};
  let policy = (b['propagationPolicy'] as string | undefined) ?? q.propagationPolicy;
  if (b['orphanDependents'] === true || q.raw.get('orphanDependents') === 'true') policy ??= 'Orphan';
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  const pre = isObject(b['preconditions']) ? (b['preconditions'] as DeleteOptions['preconditions']) : undefined;
  const dry = Array.isArray(b['dryRun']) && b['dryRun'].includes('All');
  return { propagationPolicy: policy as DeleteOptions['propagationPolicy'], preconditions: pre, dryRun: q.dryRun || dry };
}

function deletedAnswer(r: ServedResource, obj: KubeObject): unknown {
  if (r.custom || (r.group === '' && r.resource === 'pods')) return obj;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: obj.metadata.name, group: r.group || undefined, kind: r.resource, uid: obj.metadata.uid } };
}

/** Handles one resource request (the route already resolved). */
export async function handleResource(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  q: RequestQuery,
  asTable: boolean,
): Promise<void> {
  const r = resolve(ctx, route);
  const { store } = ctx;
  const ns = r.namespaced ? route.namespace : undefined;
  const method = req.method ?? 'GET';
  const sub = route.subresource;
  if (method === 'GET' && route.name) {
    const obj = current(ctx, r, route);
    if (sub === 'scale') return sendJson(res, 200, toScale(r, obj));
    return sendJson(res, 200, asTable ? toTable(r, [obj], ctx.clock.now(), { resourceVersion: obj.metadata.resourceVersion }, q.includeObject) : obj);
  }
  if (method === 'GET' && q.watch) return serveWatch(ctx, req, res, r, ns, q, asTable);
  if (method === 'GET') {
    const page = store.listPage(r, {
      namespace: ns,
      label: parseLabelSelector(q.labelSelector),
      field: parseFieldSelector(q.fieldSelector, r.fieldLabels),
      limit: q.limit,
      continue: q.continue,
    });
    const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
    if (page.continue) meta['continue'] = page.continue;
    if (page.remainingItemCount !== undefined) meta['remainingItemCount'] = page.remainingItemCount;
    if (asTable) return sendJson(res, 200, toTable(r, page.items, ctx.clock.now(), meta, q.includeObject));
    // Like the real server, items of built-in lists carry no kind/apiVersion (kubernetes#3030);
    // custom resource list items (unstructured) do.
    const items = r.custom ? page.items : page.items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    return sendJson(res, 200, { kind: r.listKind, apiVersion: groupVersion(r), metadata: meta, items });
  }
  const text = await readBody(req);
  const wo = writeOptions(q);
  const send = (code: number, body: unknown): void => {
    if (wo.warnings.length) res.setHeader('Warning', wo.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
    sendJson(res, code, body);
  };
  if (method === 'POST') {
    if (route.name) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    const obj = bodyObject(text);
    checkIdentity(r, route, obj, false);
    return send(201, store.create(r, obj, wo));
  }
  if (method === 'PUT' && route.name) {
    if (sub === 'scale') {
      const next = fromScale(r, current(ctx, r, route), parseJson(text));
      return send(200, toScale(r, store.update(r, next, wo)));
    }
    const obj = bodyObject(text);
    checkIdentity(r, route, obj, true);
    return send(200, sub === 'status' ? store.updateStatus(r, obj, wo) : store.update(r, obj, wo));
  }
  if (method === 'PATCH' && route.name) {
    const ct = String(req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const { code, body } = handlePatch(ctx, r, route, ct, text, q, wo);
    return send(code, body);
  }
  if (method === 'DELETE' && route.name) {
    const { object, gone } = store.remove(r, ns, route.name, deleteOptions(q, text));
    return sendJson(res, gone ? 200 : 202, gone ? deletedAnswer(r, object) : object);
  }
  if (method === 'DELETE') {
    if (!r.verbs.includes('deletecollection')) throw methodNotAllowed('the server does not allow this method on the requested resource');
    const opts = deleteOptions(q, text);
    const page = store.listPage(r, { namespace: ns, label: parseLabelSelector(q.labelSelector), field: parseFieldSelector(q.fieldSelector, r.fieldLabels) });
    const items = [...page.items].map((o) => store.remove(r, o.metadata.namespace, o.metadata.name ?? '', opts).object);
    return sendJson(res, 200, { kind: r.listKind, apiVersion: groupVersion(r), metadata: { resourceVersion: store.resourceVersion }, items });
  }
  throw methodNotAllowed('the server does not allow this method on the requested resource');
}
