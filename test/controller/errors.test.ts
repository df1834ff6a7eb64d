import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import {
  BadRequestError, ConflictError, ForbiddenError, GoneError, InvalidError, KubeApiError, NotFoundError, ServerError,
  TooManyRequestsError, UnauthorizedError, UnreachableError, isTransient, toApiError,
} from '../../src/controller/index.js';

const status = (code: number, reason: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: `${reason} happened`, ...extra });

describe('controller/errors', () => {
  const cases: Record<string, { code: number; reason: string; cls: new (...a: never[]) => KubeApiError }> = {
    'not found': { code: 404, reason: 'NotFound', cls: NotFoundError },
    conflict: { code: 409, reason: 'Conflict', cls: ConflictError },
    gone: { code: 410, reason: 'Expired', cls: GoneError },
    invalid: { code: 422, reason: 'Invalid', cls: InvalidError },
    throttled: { code: 429, reason: 'TooManyRequests', cls: TooManyRequestsError },
    unauthorized: { code: 401, reason: 'Unauthorized', cls: UnauthorizedError },
    forbidden: { code: 403, reason: 'Forbidden', cls: ForbiddenError },
    'server error': { code: 500, reason: 'InternalError', cls: ServerError },
    unavailable: { code: 503, reason: 'ServiceUnavailable', cls: ServerError },
    'bad request': { code: 400, reason: 'BadRequest', cls: BadRequestError },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(`ApiException ${tc.code} (${name}) → ${tc.cls.name}, with code, reason, message and cause`, () => {
      const raw = new ApiException(tc.code, 'Unknown API Status Code!', status(tc.code, tc.reason), {});
      const err = toApiError(raw);
      assert.ok(err instanceof tc.cls);
      assert.ok(err instanceof KubeApiError);
      assert.equal((err as KubeApiError).code, tc.code);
      assert.equal((err as KubeApiError).reason, tc.reason);
      assert.equal(err.message, `${tc.reason} happened`);
      assert.equal(err.cause, raw);
    });
  }

  it('422 keeps the field causes; 409 AlreadyExists is told apart', () => {
    const causes = [{ field: 'spec.strategy', reason: 'FieldValueRequired', message: 'Required value' }];
    const err = toApiError(new ApiException(422, 'x', { code: 422, reason: 'Invalid', message: 'bad', details: { causes } }, {}));
    assert.ok(err instanceof InvalidError);
    assert.deepEqual(err.causes, causes);
    const exists = toApiError(new ApiException(409, 'x', status(409, 'AlreadyExists'), {}));
    assert.ok(exists instanceof ConflictError && exists.alreadyExists);
  });

  it('a body that is not a Status still maps by code', () => {
    const err = toApiError(new ApiException(502, 'x', '<html>bad gateway</html>', {}));
    assert.ok(err instanceof ServerError);
    assert.equal(err.message, 'the API server answered HTTP 502');
  });

  it('network errors (also nested as cause) → UnreachableError', () => {
    const sys = Object.assign(new Error('request to https://x failed, reason: connect ECONNREFUSED 127.0.0.1:1'), { type: 'system', code: 'ECONNREFUSED', errno: 'ECONNREFUSED' });
    const err = toApiError(sys);
    assert.ok(err instanceof UnreachableError);
    assert.equal((err as UnreachableError).reason, 'ECONNREFUSED');
    assert.equal(err.cause, sys);
    const nested = toApiError(new Error('fetch failed', { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) }));
    assert.ok(nested instanceof UnreachableError);
  });

  it('watch errors with statusCode map by code; typed and abort errors pass through; others stay', () => {
    assert.ok(toApiError(Object.assign(new Error('Gone'), { statusCode: 410 })) instanceof GoneError);
    const typed = new NotFoundError('x', 404, 'NotFound');
    assert.equal(toApiError(typed), typed);
    const abort = new DOMException('aborted', 'AbortError');
    assert.equal(toApiError(abort), abort);
    const plain = new TypeError('bug');
    assert.equal(toApiError(plain), plain);
    assert.ok(toApiError('text') instanceof Error);
  });

  it('isTransient: conflicts, throttling, server and network failures', () => {
    assert.ok(isTransient(new ConflictError('', 409, '')));
    assert.ok(isTransient(new ServerError('', 500, '')));
    assert.ok(isTransient(new UnreachableError('', 0, 'ECONNRESET')));
    assert.ok(!isTransient(new InvalidError('', 422, '', [])));
    assert.ok(!isTransient(new NotFoundError('', 404, '')));
  });
});
