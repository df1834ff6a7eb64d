/**
 * The AnalysisRun controller's I/O, kept thin: read a Secret key, write status through the
 * status subresource, and record an Event on a phase change. Each takes the signal.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { AnalysisPhase, type AnalysisRunStatus } from '../../api/index.js';
import { NotFoundError, recordEvent, type ControllerContext } from '../../controller/index.js';
import { objectPath, sendJson } from '../../controller/rest.js';
import { InputError, type SecretReader } from './prepare.js';

/** Reads Secret keys of one namespace; a missing Secret or key is an {@link InputError} naming it. */
export function secretReader(ctx: ControllerContext, namespace: string): SecretReader {
  return async (secret, key, signal) => {
    let s: { data?: Record<string, string> };
    try {
      s = await sendJson(ctx.clients, 'GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(secret)}`, { signal });
    } catch (err) {
      if (err instanceof NotFoundError) throw new InputError(`Secret "${secret}" not found in namespace ${namespace}`, { cause: err });
      throw err;
    }
    const v = s.data?.[key];
    if (v === undefined) throw new InputError(`Secret "${secret}" has no key "${key}"`);
    return Buffer.from(v, 'base64').toString('utf8');
  };
}

/** PUTs `status` through the status subresource; returns the new resourceVersion. */
export async function writeStatus(ctx: ControllerContext, run: KubernetesObject, status: AnalysisRunStatus, signal: AbortSignal): Promise<string | undefined> {
  const path = objectPath(run.apiVersion ?? 'sluice.dev/v1alpha1', 'analysisruns', run.metadata?.namespace, run.metadata?.name ?? '', 'status');
  const out = await sendJson<KubernetesObject>(ctx.clients, 'PUT', path, { body: { ...run, status }, signal });
  return out?.metadata?.resourceVersion;
}

/** Records the run's new phase as an Event on it (Warning for Failed and Error), once per phase. */
export async function recordPhaseEvent(ctx: ControllerContext, run: KubernetesObject, status: AnalysisRunStatus, signal: AbortSignal): Promise<void> {
  const bad = status.phase === AnalysisPhase.Failed || status.phase === AnalysisPhase.Error;
  const involved = {
    apiVersion: run.apiVersion ?? 'sluice.dev/v1alpha1',
    kind: 'AnalysisRun',
    name: run.metadata?.name ?? '',
    namespace: run.metadata?.namespace ?? 'default',
    uid: run.metadata?.uid ?? '',
  };
  const e = { type: bad ? ('Warning' as const) : ('Normal' as const), reason: `AnalysisRun${status.phase}`, message: status.message || `analysis run is ${status.phase}` };
  await recordEvent(ctx.clients, ctx.clock, involved, e, ['phase', status.phase], signal);
}
