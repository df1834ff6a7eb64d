/**
 * The API server's error vocabulary: {@link ApiError} factories that carry the same code,
 * reason, message and details a real kube-apiserver puts in its `Status` answers.
 */
import { ApiError, type ResourceInfo } from './types.js';

/** `configmaps` for the core group, `rollouts.sluice.dev` otherwise (as in real messages). */
export function qualifiedResource(res: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return res.group ? `${res.resource}.${res.group}` : res.resource;
}

/** `ConfigMap` for the core group, `Rollout.sluice.dev` otherwise. */
export function qualifiedKind(res: Pick<ResourceInfo, 'group' | 'kind'>): string {
  return res.group ? `${res.kind}.${res.group}` : res.kind;
}

function details(res: Pick<ResourceInfo, 'group' | 'resource'>, name: string): Record<string, unknown> {
  return { name, group: res.group || undefined, kind: res.resource };
}

/** 404 NotFound. */
export function notFound(res: Pick<ResourceInfo, 'group' | 'resource'>, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(res)} "${name}" not found`, details(res, name));
}

/** 409 AlreadyExists. */
export function alreadyExists(res: Pick<ResourceInfo, 'group' | 'resource'>, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(res)} "${name}" already exists`, details(res, name));
}

/** 409 Conflict for a stale resourceVersion or a failed precondition. */
export function conflict(res: Pick<ResourceInfo, 'group' | 'resource'>, name: string, why?: string): ApiError {
  const tail = why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(res)} "${name}": ${tail}`,
    details(res, name),
  );
}

/** One cause of a 422 Invalid. */
export interface FieldCause {
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueNotSupported`, ... */
  reason: string;
  message: string;
  field: string;
}

/** 422 Invalid naming each offending field, formatted as the real server does. */
export function invalid(res: Pick<ResourceInfo, 'group' | 'kind'>, name: string, causes: FieldCause[]): ApiError {
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind(res)} "${name}" is invalid: ${joined}`, {
    name,
    group: res.group || undefined,
    kind: res.kind,
    causes,
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 410 Gone: a resourceVersion or continue token older than the retained history. */
export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

/** 403 Forbidden (e.g. creating in a terminating namespace). */
export function forbidden(message: string, det?: Record<string, unknown>): ApiError {
  return new ApiError(403, 'Forbidden', message, det);
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

/** The `Status` body for an {@link ApiError}. */
export function statusBody(err: ApiError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    code: err.code,
  };
  if (err.details) body['details'] = JSON.parse(JSON.stringify(err.details)) as unknown;
  return body;
}

/** A `Status` body for a failure that is not an {@link ApiError} (500 InternalError). */
export function internalErrorBody(message: string): Record<string, unknown> {
  return statusBody(new ApiError(500, 'InternalError', `Internal error occurred: ${message}`));
}
