/**
 * Analysis arguments: `{{args.name}}` placeholders (also `{{ args.name }}`) substituted in every
 * string of a metric — query, address, headers, interval, count, limits, conditions, web url and
 * body — as Argo Rollouts does. Resolving `valueFrom` (Secrets, field refs) needs the API, so it
 * goes through the {@link ArgValueResolver} the caller supplies; the substitution itself is pure.
 */

/** An argument as a template or run declares it (Argo's `args[]`). */
export interface ArgumentSpec {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

/** Argument values by name, with the names whose values came from Secrets. */
export interface ResolvedArgs {
  readonly values: Readonly<Record<string, string>>;
  /** Names whose values must never be logged or shown (masked as `***`). */
  readonly secretNames: ReadonlySet<string>;
}

/** Looks up `valueFrom` references (Secrets, the Rollout's fields); supplied by the reconciler. */
export interface ArgValueResolver {
  resolve(arg: ArgumentSpec, signal: AbortSignal): Promise<string>;
}

/** A placeholder that names no known argument, or an argument left without a value. */
export class UnresolvedArgError extends Error {
  override readonly name = 'UnresolvedArgError';
  constructor(
    /** The argument name (`service-name`), or the whole tag when it is not an `args.` tag. */
    readonly arg: string,
    /** Where it was found, e.g. `provider.prometheus.query`; empty for the args list itself. */
    readonly path: string,
  ) {
    super(path ? `unresolved argument '${arg}' in ${path}` : `argument '${arg}' has no value`);
  }
}

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Resolves declared args into values: `value` wins, then `valueFrom` through `resolver`.
 * An argument left with neither is an {@link UnresolvedArgError}. Rejects on abort.
 */
export async function resolveArgs(
  args: readonly ArgumentSpec[],
  resolver: ArgValueResolver | undefined,
  signal: AbortSignal,
): Promise<ResolvedArgs | UnresolvedArgError> {
  const values: Record<string, string> = {};
  const secretNames = new Set<string>();
  for (const arg of args) {
    if (arg.value !== undefined) {
      values[arg.name] = arg.value;
    } else if (arg.valueFrom && resolver) {
      values[arg.name] = await resolver.resolve(arg, signal);
      if (arg.valueFrom.secretKeyRef) secretNames.add(arg.name);
    } else {
      return new UnresolvedArgError(arg.name, '');
    }
  }
  return { values, secretNames };
}

/** Substitutes placeholders in one string; `path` names the field for the error. */
export function substituteString(
  text: string,
  values: Readonly<Record<string, string>>,
  path = '',
): string | UnresolvedArgError {
  let missing: UnresolvedArgError | undefined;
  const out = text.replace(TAG, (whole, tag: string) => {
    const name = tag.startsWith('args.') ? tag.slice(5) : undefined;
    if (name !== undefined && Object.hasOwn(values, name)) return values[name] ?? '';
    missing ??= new UnresolvedArgError(name ?? whole, path);
    return whole;
  });
  return missing ?? out;
}

/**
 * Substitutes placeholders in every string inside `value` (objects and arrays walked, keys
 * kept), returning a new value of the same shape. The first unresolved placeholder is an
 * {@link UnresolvedArgError} naming the argument and the field path.
 *
 * @example
 *   substituteArgs({ query: 'up{job="{{args.job}}"}' }, { job: 'api' })  // { query: 'up{job="api"}' }
 */
export function substituteArgs<T>(value: T, values: Readonly<Record<string, string>>, path = ''): T | UnresolvedArgError {
  if (typeof value === 'string') return substituteString(value, values, path) as T | UnresolvedArgError;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [i, e] of value.entries()) {
      const r = substituteArgs(e as unknown, values, `${path}[${i}]`);
      if (r instanceof UnresolvedArgError) return r;
      out.push(r);
    }
    return out as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const r = substituteArgs(v, values, path ? `${path}.${k}` : k);
      if (r instanceof UnresolvedArgError) return r;
      out[k] = r;
    }
    return out as T;
  }
  return value;
}

/** The secret values among resolved args, for {@link MeasureContext.secrets}. */
export function secretValues(args: ResolvedArgs): string[] {
  return [...args.secretNames].map((n) => args.values[n] ?? '').filter((v) => v.length > 0);
}
