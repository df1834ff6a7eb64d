/**
 * Times for Prometheus range queries. Argo Rollouts documents `rangeQuery.start`/`end` as expr
 * expressions such as `now() - duration("5m")` and `now()`; Sluice evaluates them with the same
 * safe condition engine, where `now()` is the reconciler's clock reading in milliseconds and
 * `duration("5m")` a Go duration in milliseconds. An RFC 3339 string literal is also accepted.
 */
import {
  compileCondition,
  ConditionEvaluationError,
  ConditionSyntaxError,
  evaluateValue,
  type Builtin,
} from '../conditions/index.js';

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`300ms`, `5m`, `1h30m`, `1.5h`) to milliseconds, or undefined. */
export function parseGoDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * (UNITS[m[2] ?? ''] ?? NaN);
    matched = re.lastIndex;
  }
  return matched === t.length && matched > 0 && Number.isFinite(total) ? total : undefined;
}

/**
 * Evaluates a range-query time expression at clock reading `now` (ms). Returns milliseconds
 * since the epoch, or an Error naming `field`.
 */
export function evaluateTime(text: string, now: number, field: string): number | Error {
  const functions: Record<string, Builtin> = {
    now: { kind: 'plain', min: 0, max: 0, fn: () => now },
    duration: {
      kind: 'plain',
      min: 1,
      max: 1,
      fn: (args) => {
        const d = typeof args[0] === 'string' ? parseGoDuration(args[0]) : undefined;
        if (d === undefined) throw new ConditionEvaluationError('BadArgument', `duration(): invalid duration ${JSON.stringify(args[0] ?? null)}`);
        return d;
      },
    },
  };
  const compiled = compileCondition(text, { variables: [], functions });
  if (compiled instanceof ConditionSyntaxError) return new Error(`${field}: ${compiled.message}`);
  const out = evaluateValue(compiled, {});
  if (out instanceof ConditionEvaluationError) return new Error(`${field}: ${out.message}`);
  const v = out.value;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return ms;
  }
  return new Error(`${field}: ${JSON.stringify(text)} is not a time (use now(), now() - duration("5m") or an RFC 3339 time)`);
}

/** Parses a range-query step: a duration string (`1m`) or seconds. Returns seconds or an Error. */
export function parseStep(step: string | number): number | Error {
  const ms = typeof step === 'number' ? step * 1000 : /^\d+(\.\d+)?$/.test(step.trim()) ? Number(step) * 1000 : parseGoDuration(step);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return new Error(`rangeQuery.step: invalid step ${JSON.stringify(step)}`);
  return ms / 1000;
}
