/**
 * Errors of the CLI operations: each is one line a person can act on. {@link describeError}
 * turns a typed API error (see controller/errors) into such a line.
 */
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, UnauthorizedError, UnreachableError, toApiError } from '../controller/index.js';

/** A failure the CLI prints as `error: <message>` and exits 1. */
export class OpsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpsError';
  }
}

/** What was being read or written, for the message: `rollout "web"` in namespace `default`. */
export interface ErrorSubject {
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** The network reason of an unreachable server, e.g. `connect ECONNREFUSED 127.0.0.1:1`. */
function networkReason(err: UnreachableError): string {
  for (let e: unknown = err.cause, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (/ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOST|ENET/.test(e.message) && !e.message.startsWith('cannot reach')) {
      const line = firstLine(e.message);
      return /reason: (.+)$/.exec(line)?.[1] ?? line;
    }
  }
  return err.reason;
}

/** Maps any failure of an API call to an {@link OpsError} with one readable line. */
export function describeError(raw: unknown, server: string, subject?: ErrorSubject): Error {
  if (raw instanceof OpsError) return raw;
  const err = toApiError(raw);
  if (err.name === 'AbortError') return err;
  const what = subject ? `${subject.kind}${subject.name ? ` "${subject.name}"` : 's'}` : 'the object';
  const where = subject?.namespace ? ` in namespace "${subject.namespace}"` : '';
  if (err instanceof NotFoundError && !subject?.name) {
    return new OpsError(`the API server at ${server} does not serve ${subject?.kind ?? 'the resource'}s (are the Sluice CRDs installed? kubectl apply -f crds/)`, { cause: err });
  }
  if (err instanceof NotFoundError) return new OpsError(`${what} not found${where}`, { cause: err });
  if (err instanceof UnreachableError) return new OpsError(`cannot reach the API server at ${server}: ${networkReason(err)} (check --kubeconfig)`, { cause: err });
  if (err instanceof UnauthorizedError) return new OpsError(`the API server at ${server} rejected the credentials (401); refresh the kubeconfig's credentials`, { cause: err });
  if (err instanceof ForbiddenError) return new OpsError(`forbidden: ${firstLine(err.message)}`, { cause: err });
  if (err instanceof ConflictError) return new OpsError(`${what} changed while it was being written; try again`, { cause: err });
  if (err instanceof InvalidError) {
    const causes = err.causes.map((c) => `${c.field ?? ''}: ${c.message ?? c.reason ?? ''}`).join('; ');
    return new OpsError(`${what} is invalid: ${causes || firstLine(err.message)}`, { cause: err });
  }
  return new OpsError(firstLine(err.message), { cause: err });
}
