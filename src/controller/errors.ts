/**
 * API failures typed once, at the boundary. {@link toApiError} turns whatever a client-node
 * call or a watch threw into one of the classes below; callers decide with `instanceof`,
 * never on message text. The original error stays reachable as `cause`.
 */
import { ApiException } from '@kubernetes/client-node';

/** One field-level cause of a 422 Invalid answer, as in a Kubernetes Status. */
export interface StatusCause {
  readonly field?: string;
  readonly reason?: string;
  readonly message?: string;
}

/** The fields of a Kubernetes `Status` object that matter to callers. */
export interface KubeStatus {
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly details?: { causes?: StatusCause[]; [key: string]: unknown };
}

/** Base of every API error: the HTTP code (0 when no answer came), the Status reason. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 404: the object (or the resource type) does not exist. */
export class NotFoundError extends KubeApiError {}
/** 409: a write lost a race (stale resourceVersion) or the object already exists. */
export class ConflictError extends KubeApiError {
  /** True when the object already exists (409 AlreadyExists rather than Conflict). */
  get alreadyExists(): boolean {
    return this.reason === 'AlreadyExists';
  }
}
/** 410: the resourceVersion asked for is too old (compacted); relist. */
export class GoneError extends KubeApiError {}
/** 422: the object failed validation; `causes` name the fields. */
export class InvalidError extends KubeApiError {
  constructor(message: string, code: number, reason: string, readonly causes: readonly StatusCause[], options?: { cause?: unknown }) {
    super(message, code, reason, options);
  }
}
/** 429: throttled by the API server (or priority and fairness). */
export class TooManyRequestsError extends KubeApiError {}
/** 5xx: the API server failed. */
export class ServerError extends KubeApiError {}
/** No answer: connection refused, reset, DNS failure, timeout. */
export class UnreachableError extends KubeApiError {}
/** 403: authenticated but not allowed (RBAC). */
export class ForbiddenError extends KubeApiError {}
/** 401: not authenticated (bad or expired credentials). */
export class UnauthorizedError extends KubeApiError {}
/** Any other HTTP error code (400, 405, 415, ...). */
export class BadRequestError extends KubeApiError {}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH',
  'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(value)) return undefined;
  const details = isRecord(value['details']) ? (value['details'] as KubeStatus['details']) : undefined;
  return {
    code: typeof value['code'] === 'number' ? value['code'] : undefined,
    reason: typeof value['reason'] === 'string' ? value['reason'] : undefined,
    message: typeof value['message'] === 'string' ? value['message'] : undefined,
    details,
  };
}

/** Builds the typed error for an HTTP code and an optional Status body. */
export function fromStatus(code: number, status: KubeStatus | undefined, cause?: unknown): KubeApiError {
  const reason = status?.reason ?? '';
  const message = status?.message ?? `the API server answered HTTP ${code}${reason ? ` (${reason})` : ''}`;
  const opts = { cause };
  if (code === 404) return new NotFoundError(message, code, reason || 'NotFound', opts);
  if (code === 409) return new ConflictError(message, code, reason || 'Conflict', opts);
  if (code === 410) return new GoneError(message, code, reason || 'Expired', opts);
  if (code === 422) return new InvalidError(message, code, reason || 'Invalid', status?.details?.causes ?? [], opts);
  if (code === 429) return new TooManyRequestsError(message, code, reason || 'TooManyRequests', opts);
  if (code === 401) return new UnauthorizedError(message, code, reason || 'Unauthorized', opts);
  if (code === 403) return new ForbiddenError(message, code, reason || 'Forbidden', opts);
  if (code >= 500) return new ServerError(message, code, reason || 'InternalError', opts);
  return new BadRequestError(message, code, reason || 'BadRequest', opts);
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; isRecord(e) && depth < 5; e = e['cause'], depth++) {
    const code = e['code'];
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    if (e['type'] === 'system' && typeof e['errno'] === 'string') return e['errno'];
  }
  return undefined;
}

/**
 * Maps anything a Kubernetes call threw to a typed error. Already-typed errors and abort
 * errors pass through unchanged; unknown errors come back as they are (wrapped in an Error
 * when they are not one).
 */
export function toApiError(err: unknown): Error {
  if (err instanceof KubeApiError) return err;
  if (err instanceof ApiException) {
    const e = err as ApiException<unknown>;
    return fromStatus(e.code, parseStatus(e.body), err);
  }
  if (isRecord(err) && err['name'] === 'AbortError') return err as unknown as Error;
  const net = networkCode(err);
  if (net) {
    const msg = isRecord(err) && typeof err['message'] === 'string' ? err['message'] : net;
    return new UnreachableError(`cannot reach the Kubernetes API: ${msg}`, 0, net, { cause: err });
  }
  // client-node's Watch sets statusCode on the error for a non-200 answer.
  if (isRecord(err) && typeof err['statusCode'] === 'number') return fromStatus(err['statusCode'], undefined, err);
  if (err instanceof Error) return err;
  return new Error(String(err), { cause: err });
}

/** True for errors worth retrying soon: conflicts, throttling, server and network failures. */
export function isTransient(err: unknown): boolean {
  return err instanceof ConflictError || err instanceof TooManyRequestsError || err instanceof ServerError || err instanceof UnreachableError;
}

/** A startup failure with a one-line, actionable message; the CLI prints it and exits 1. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
