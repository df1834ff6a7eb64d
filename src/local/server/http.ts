/**
 * The HTTPS API server: bearer-token authentication, health and version endpoints, discovery,
 * OpenAPI, fault injection, then the resource handlers. Every error answer is a `Status`.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../types.js';
import type { Faults } from '../faults.js';
import { ADMIN_USER, requestRecord, type RequestListener } from './audit.js';
import type { ServerContext } from './context.js';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.js';
import { sendError, sendJson } from './io.js';
import { openApiGroupVersion, openApiRoot } from './openapi.js';
import { parseQuery, wantsTable } from './query.js';
import { handleResource, resolve, verbOf } from './resources.js';
import { parseRoute } from './route.js';

/** What the HTTPS server needs. */
export interface ApiServerOptions {
  ctx: ServerContext;
  faults: Faults;
  token: string;
  cert: string;
  key: string;
  /** `host:port` reported by /api. */
  address: () => string;
  /** More users: bearer token -> user name (every user may do everything; there is no RBAC). */
  users?: ReadonlyMap<string, string>;
  /** Called with the audit record of every request, before it is answered. */
  onRequest?: RequestListener;
}

/** The user a bearer token belongs to, or undefined. */
function userOf(o: ApiServerOptions, authorization: string): string | undefined {
  if (!authorization.startsWith('Bearer ')) return undefined;
  const token = authorization.slice('Bearer '.length);
  if (token === o.token) return ADMIN_USER;
  return o.users?.get(token);
}

const PAGE_NOT_FOUND = new ApiError(404, 'NotFound', 'the server could not find the requested resource');
const HEALTH = new Set(['/healthz', '/readyz', '/livez']);

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function dispatch(o: ApiServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx, faults } = o;
  const url = new URL(req.url ?? '/', 'https://local');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const user = userOf(o, req.headers.authorization ?? '');
  if (o.onRequest) {
    try {
      o.onRequest(requestRecord(req.method ?? 'GET', url, user, req.headers['user-agent']));
    } catch (err) {
      ctx.log.error({ err, url: req.url }, 'request listener failed');
    }
  }
  if (HEALTH.has(path) || HEALTH.has(`/${path.split('/')[1] ?? ''}`)) return sendText(res, 200, 'ok');
  if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
  if (user === undefined) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  const reg = ctx.store.registry;
  if (path === '/openapi/v3') return sendJson(res, 200, openApiRoot(reg));
  if (path.startsWith('/openapi/v3/')) {
    const parts = path.slice('/openapi/v3/'.length).split('/');
    const doc = parts[0] === 'api' ? openApiGroupVersion(reg, '', parts[1] ?? '') : openApiGroupVersion(reg, parts[1] ?? '', parts[2] ?? '');
    if (!doc) throw PAGE_NOT_FOUND;
    return sendJson(res, 200, doc);
  }
  const route = parseRoute(path);
  switch (route.type) {
    case 'api':
      return sendJson(res, 200, apiVersions(o.address()));
    case 'apis':
      return sendJson(res, 200, apiGroupList(reg));
    case 'group': {
      const doc = apiGroupDoc(reg, route.group);
      if (!doc) throw PAGE_NOT_FOUND;
      return sendJson(res, 200, doc);
    }
    case 'groupVersion': {
      const doc = apiResourceList(reg, route.group, route.version);
      if (!doc) throw PAGE_NOT_FOUND;
      return sendJson(res, 200, doc);
    }
    case 'other':
      throw PAGE_NOT_FOUND;
    case 'resource':
      break;
  }
  const q = parseQuery(url.searchParams);
  const verb = verbOf(req.method ?? 'GET', route.route, q.watch);
  resolve(ctx, route.route);
  if (faults.applies(verb, route.route.resource)) {
    if (faults.latencyMs > 0) await ctx.clock.sleep(faults.latencyMs);
    const f = faults.pick(verb);
    if (f === 'error') throw new ApiError(500, 'InternalError', 'Internal error occurred: injected fault');
    if (f === 'throttle') {
      sendError(res, new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: faults.retryAfterSeconds }), {
        'Retry-After': String(faults.retryAfterSeconds),
      });
      return;
    }
    if (f === 'conflict') {
      const r = resolve(ctx, route.route);
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.group ? `${r.resource}.${r.group}` : r.resource} "${route.route.name ?? ''}": injected conflict`, {
        name: route.route.name,
        group: r.group || undefined,
        kind: r.resource,
      });
    }
  }
  await handleResource(ctx, req, res, route.route, q, wantsTable(req.headers.accept));
}

/** Creates (does not start) the HTTPS server. */
export function createApiServer(o: ApiServerOptions): https.Server {
  const server = https.createServer({ cert: o.cert, key: o.key }, (req, res) => {
    dispatch(o, req, res).catch((err: unknown) => {
      if (!(err instanceof ApiError)) o.ctx.log.error({ err, url: req.url }, 'request failed');
      sendError(res, err);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('secureConnection', (socket: import('node:tls').TLSSocket) => socket.setNoDelay(true));
  return server;
}
