/**
 * The helper functions a condition may call. The names and behaviour follow Argo Rollouts'
 * condition environment (`asInt`, `asFloat`, `isNaN`, `isInf`, `isNil`, `default`) and expr's
 * builtins (`len`, `abs`, `all`, `any`, ...).
 */
import type { Value } from './ast.js';
import { ConditionEvaluationError, EvalErrorCode } from './errors.js';
import { parseFloatStrict, show, typeName } from './values.js';

/** What a builtin may do besides computing: record that it consumed a non-finite number. */
export interface CallContext {
  /** Call with every number the function consumes; it records NaN and ±Inf. */
  touch(n: number): void;
}

/** A plain function: its arguments are evaluated first. */
export interface PlainBuiltin {
  readonly kind: 'plain';
  readonly min: number;
  readonly max: number;
  readonly fn: (args: readonly Value[], ctx: CallContext) => Value;
}

/** A predicate function: `(array, predicate)`, where the predicate sees each element as `#`. */
export interface PredicateBuiltin {
  readonly kind: 'predicate';
}

/** A function known to conditions. */
export type Builtin = PlainBuiltin | PredicateBuiltin;

function bad(name: string, what: string, v: Value): ConditionEvaluationError {
  return new ConditionEvaluationError(
    EvalErrorCode.TypeMismatch,
    `${name}() expects ${what}, got ${typeName(v)} (${show(v)})`,
  );
}

function num(name: string, v: Value | undefined, ctx: CallContext): number {
  const x = v ?? null;
  if (typeof x !== 'number') throw bad(name, 'a number', x);
  ctx.touch(x);
  return x;
}

function numbers(name: string, args: readonly Value[], ctx: CallContext): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly Value[]) : args;
  return list.map((v) => num(name, v, ctx));
}

function asFloat(args: readonly Value[], ctx: CallContext): Value {
  const v = args[0] ?? null;
  if (typeof v === 'number') {
    ctx.touch(v);
    return v;
  }
  if (typeof v === 'string') {
    const f = parseFloatStrict(v);
    if (f === undefined) {
      throw new ConditionEvaluationError(EvalErrorCode.BadArgument, `asFloat(): cannot parse ${show(v)} as a number`);
    }
    ctx.touch(f);
    return f;
  }
  throw bad('asFloat', 'a number or a string', v);
}

function asInt(args: readonly Value[], ctx: CallContext): Value {
  const v = args[0] ?? null;
  if (typeof v === 'number') {
    ctx.touch(v);
    if (!Number.isFinite(v)) {
      throw new ConditionEvaluationError(EvalErrorCode.BadArgument, `asInt(): cannot convert ${show(v)} to an integer`);
    }
    return Math.trunc(v);
  }
  if (typeof v === 'string') {
    if (!/^\s*[+-]?\d+\s*$/.test(v)) {
      throw new ConditionEvaluationError(EvalErrorCode.BadArgument, `asInt(): cannot parse ${show(v)} as an integer`);
    }
    return parseInt(v, 10);
  }
  throw bad('asInt', 'a number or a string', v);
}

function len(args: readonly Value[]): Value {
  const v = args[0] ?? null;
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v !== null && typeof v === 'object') return Object.keys(v).length;
  throw bad('len', 'an array, a string or a map', v);
}

const plain = (min: number, max: number, fn: PlainBuiltin['fn']): PlainBuiltin => ({ kind: 'plain', min, max, fn });
const predicate: PredicateBuiltin = { kind: 'predicate' };

/** The builtins available to every condition, by name. */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  len: plain(1, 1, len),
  isNaN: plain(1, 1, (a, c) => Number.isNaN(num('isNaN', a[0], c))),
  isInf: plain(1, 1, (a, c) => {
    const x = num('isInf', a[0], c);
    return x === Infinity || x === -Infinity;
  }),
  isNil: plain(1, 1, (a) => (a[0] ?? null) === null),
  default: plain(2, 2, (a) => ((a[0] ?? null) === null ? (a[1] ?? null) : (a[0] ?? null))),
  asFloat: plain(1, 1, asFloat),
  asInt: plain(1, 1, asInt),
  float: plain(1, 1, asFloat),
  int: plain(1, 1, asInt),
  abs: plain(1, 1, (a, c) => Math.abs(num('abs', a[0], c))),
  ceil: plain(1, 1, (a, c) => Math.ceil(num('ceil', a[0], c))),
  floor: plain(1, 1, (a, c) => Math.floor(num('floor', a[0], c))),
  round: plain(1, 1, (a, c) => Math.round(num('round', a[0], c))),
  min: plain(1, 64, (a, c) => {
    const xs = numbers('min', a, c);
    if (xs.length === 0) throw new ConditionEvaluationError(EvalErrorCode.BadArgument, 'min(): no values');
    return Math.min(...xs);
  }),
  max: plain(1, 64, (a, c) => {
    const xs = numbers('max', a, c);
    if (xs.length === 0) throw new ConditionEvaluationError(EvalErrorCode.BadArgument, 'max(): no values');
    return Math.max(...xs);
  }),
  sum: plain(1, 1, (a, c) => numbers('sum', a, c).reduce((s, x) => s + x, 0)),
  mean: plain(1, 1, (a, c) => {
    const xs = numbers('mean', a, c);
    if (xs.length === 0) throw new ConditionEvaluationError(EvalErrorCode.BadArgument, 'mean(): no values');
    return xs.reduce((s, x) => s + x, 0) / xs.length;
  }),
  all: predicate,
  any: predicate,
  none: predicate,
  one: predicate,
  filter: predicate,
  map: predicate,
  count: predicate,
};
