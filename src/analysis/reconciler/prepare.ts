/**
 * Prepare a run for measuring: resolve its arguments (literal, Secret, field of the owning
 * Rollout or of the run), substitute `{{args.*}}` everywhere, parse the metrics, check the
 * conditions compile, and fetch the Secrets that headers and authentication name. Any problem
 * is a message that names the metric and field, and the run goes to Error with it.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { checkAnalysisSpec, fieldPath, formatFieldError, MetricSchema, type Metric } from '../../api/index.js';
import { compileConditions } from '../judge.js';
import { resolveArgs, secretValues, substituteArgs, UnresolvedArgError, type ArgumentSpec } from '../args.js';
import type { Credentials } from '../types.js';

/**
 * Reads one key of a Secret in the run's namespace. Throws {@link InputError} when the Secret
 * or key does not exist (the run goes to Error); anything else it throws (API down, abort) is
 * transient and the reconcile is retried.
 */
export type SecretReader = (name: string, key: string, signal: AbortSignal) => Promise<string>;

/** A problem with what the user wrote: the run goes to Error with this message. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The message of a bad-input error; rethrows transient ones (the queue retries them). */
function inputMessage(err: unknown): string {
  if (err instanceof InputError || err instanceof UnresolvedArgError) return err.message;
  throw err;
}

/** A metric ready to measure, with what its provider needs. */
export interface PreparedMetric {
  metric: Metric;
  credentials?: Credentials;
  /** Values never to log or show. */
  secrets: string[];
}

export interface PreparedRun {
  metrics: PreparedMetric[];
}

type RawMetric = Record<string, unknown> & { name?: string };

/** Everything needed before measuring, or an error message. */
export async function prepareRun(
  run: KubernetesObject & {
    spec?: { metrics?: RawMetric[]; args?: ArgumentSpec[]; dryRun?: Array<{ metricName: string }>; measurementRetention?: Array<{ metricName: string; limit: number }> };
  },
  fieldSource: unknown,
  readSecret: SecretReader,
  signal: AbortSignal,
): Promise<PreparedRun | { error: string }> {
  const args = await resolveArgs(run.spec?.args ?? [], {
    async resolve(arg, sig) {
      const from = arg.valueFrom ?? {};
      if (from.secretKeyRef) return readSecret(from.secretKeyRef.name, from.secretKeyRef.key, sig);
      if (from.fieldRef) {
        const v = fieldPath(fieldSource, from.fieldRef.fieldPath);
        if (v === undefined) throw new InputError(`args.${arg.name}: fieldRef ${from.fieldRef.fieldPath} has no value`);
        return typeof v === 'string' ? v : JSON.stringify(v);
      }
      throw new UnresolvedArgError(arg.name, '');
    },
  }, signal).catch((err: unknown) => new InputError(inputMessage(err)));
  if (args instanceof Error) return { error: `spec.args: ${args.message}` };
  const argSecrets = secretValues(args);
  const out: PreparedMetric[] = [];
  for (const [i, raw] of (run.spec?.metrics ?? []).entries()) {
    const where = `spec.metrics[${i}] (${String(raw.name ?? '?')})`;
    const substituted = substituteArgs(raw, args.values);
    if (substituted instanceof UnresolvedArgError) return { error: `${where}: ${substituted.message}` };
    const parsed = MetricSchema.safeParse(substituted);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue ? issue.path.map(String).join('.') : '';
      return { error: `${where}${path ? `.${path}` : ''}: ${issue?.message ?? 'invalid'}` };
    }
    const metric = parsed.data;
    const compiled = compileConditions(metric);
    if ('error' in compiled) return { error: `${where}: ${compiled.error}` };
    const secrets = [...argSecrets];
    try {
      const credentials = await credentialsFor(metric, readSecret, secrets, signal);
      await resolveHeaders(metric, readSecret, secrets, signal);
      out.push({ metric, ...(credentials ? { credentials } : {}), secrets });
    } catch (err) {
      return { error: `${where}: ${inputMessage(err)}` };
    }
  }
  const problems = checkAnalysisSpec({
    metrics: out.map((p) => p.metric),
    args: (run.spec?.args ?? []).map((a) => ({ name: a.name, ...(a.value !== undefined ? { value: a.value } : {}), ...(a.valueFrom ? { valueFrom: a.valueFrom } : {}) })),
    dryRun: run.spec?.dryRun ?? [],
    measurementRetention: run.spec?.measurementRetention ?? [],
  });
  const first = problems[0];
  if (first) return { error: nameMetric(formatFieldError(first), out) };
  return { metrics: out };
}

/** `spec.metrics[0].count: ...` -> `spec.metrics[0] (error-rate).count: ...`. */
function nameMetric(message: string, metrics: PreparedMetric[]): string {
  return message.replace(/^spec\.metrics\[(\d+)\]/, (whole, i: string) => `${whole} (${metrics[Number(i)]?.metric.name ?? '?'})`);
}

async function credentialsFor(metric: Metric, read: SecretReader, secrets: string[], signal: AbortSignal): Promise<Credentials | undefined> {
  const auth = metric.provider.prometheus?.authentication ?? metric.provider.web?.authentication;
  if (!auth) return undefined;
  if (auth.bearerToken) {
    const token = await read(auth.bearerToken.secretKeyRef.name, auth.bearerToken.secretKeyRef.key, signal);
    secrets.push(token);
    return { bearerToken: token };
  }
  if (auth.basicAuth) {
    const b = auth.basicAuth;
    const password = await read(b.passwordSecretKeyRef.name, b.passwordSecretKeyRef.key, signal);
    const username = b.usernameSecretKeyRef ? await read(b.usernameSecretKeyRef.name, b.usernameSecretKeyRef.key, signal) : (b.username ?? '');
    secrets.push(password);
    return { basicAuth: { username, password } };
  }
  return undefined;
}

async function resolveHeaders(metric: Metric, read: SecretReader, secrets: string[], signal: AbortSignal): Promise<void> {
  for (const headers of [metric.provider.prometheus?.headers, metric.provider.web?.headers]) {
    for (const h of headers ?? []) {
      const ref = h.valueFrom?.secretKeyRef;
      if (!ref) continue;
      h.value = await read(ref.name, ref.key, signal);
      secrets.push(h.value);
    }
  }
}


