/**
 * The evaluator: walks a compiled condition against an environment. No `eval`, no
 * `new Function`; every node visited costs one step and the budget is
 * {@link CONDITION_LIMITS}.maxSteps, so a condition over a huge vector stops instead of hanging.
 *
 * Semantics follow expr-lang/expr where Argo Rollouts users rely on them: `==` across types is
 * false, ordering across types is an error, a missing map key is nil, `/` is float division.
 * Two deliberate choices for missing data:
 * - ordering NaN (`result[0] < 0.01` with NaN) is an error ({@link EvalErrorCode.NaNComparison}),
 * - every NaN or ±Inf that an operator or helper consumes is recorded in
 *   {@link EvalOutcome.touchedNonFinite}, so the judge can refuse to call such a verdict a pass.
 */
import type { Node, Value } from './ast.js';
import type { CallContext } from './builtins.js';
import { ConditionEvaluationError, EvalErrorCode } from './errors.js';
import { CONDITION_LIMITS, type CompiledCondition } from './parser.js';
import { equal, show, toValue, typeName } from './values.js';

/** Variables by name, as arbitrary JSON-like input (`undefined` is nil). */
export type Env = Readonly<Record<string, unknown>>;

/** The outcome of evaluating a condition to any value. */
export interface EvalOutcome<T = Value> {
  readonly value: T;
  /** True when a NaN or ±Inf was consumed by a comparison, arithmetic or a helper. */
  readonly touchedNonFinite: boolean;
}

class Evaluator implements CallContext {
  private steps = 0;
  touchedNonFinite = false;
  private readonly pointers: Value[] = [];

  constructor(
    private readonly c: CompiledCondition,
    private readonly env: Readonly<Record<string, Value>>,
  ) {}

  touch(n: number): void {
    if (!Number.isFinite(n)) this.touchedNonFinite = true;
  }

  private text(n: Node): string {
    return this.c.source.slice(n.start, n.end) || '#';
  }

  private typeError(op: string, a: Value, b: Value): ConditionEvaluationError {
    return new ConditionEvaluationError(
      EvalErrorCode.TypeMismatch,
      `invalid operation: ${typeName(a)} ${op} ${typeName(b)} (${show(a)} ${op} ${show(b)})`,
    );
  }

  private bool(n: Node, v: Value, role: string): boolean {
    if (typeof v !== 'boolean') {
      throw new ConditionEvaluationError(
        EvalErrorCode.TypeMismatch,
        `${role} must be a bool, got ${typeName(v)} (${this.text(n)} = ${show(v)})`,
      );
    }
    return v;
  }

  visit(n: Node): Value {
    if (++this.steps > CONDITION_LIMITS.maxSteps) {
      throw new ConditionEvaluationError(EvalErrorCode.StepLimit, `evaluation exceeded ${CONDITION_LIMITS.maxSteps} steps`);
    }
    switch (n.type) {
      case 'literal':
        return n.value;
      case 'ident':
        return this.env[n.name] ?? null;
      case 'pointer':
        return this.pointers[this.pointers.length - 1] ?? null;
      case 'array':
        return n.elements.map((e) => this.visit(e));
      case 'conditional':
        return this.bool(n.test, this.visit(n.test), 'the condition of ?:') ? this.visit(n.consequent) : this.visit(n.alternate);
      case 'unary':
        return this.unary(n.op, n.operand);
      case 'binary':
        return this.binary(n.op, n.left, n.right);
      case 'member':
        return this.member(n.object, n.property, n.optional);
      case 'index':
        return this.index(n.object, n.index, n.optional);
      case 'call':
        return this.call(n.name, n.args);
      case 'closure':
        return this.visit(n.body);
    }
  }

  private unary(op: '!' | '-' | '+', operand: Node): Value {
    const v = this.visit(operand);
    if (op === '!') return !this.bool(operand, v, "the operand of '!'");
    if (typeof v !== 'number') {
      throw new ConditionEvaluationError(EvalErrorCode.TypeMismatch, `invalid operation: ${op}${typeName(v)} (${this.text(operand)})`);
    }
    this.touch(v);
    return op === '-' ? -v : v;
  }

  private binary(op: string, l: Node, r: Node): Value {
    if (op === '&&' || op === '||') {
      const a = this.bool(l, this.visit(l), `the left side of '${op}'`);
      if (op === '&&' ? !a : a) return a;
      return this.bool(r, this.visit(r), `the right side of '${op}'`);
    }
    if (op === '??') {
      const a = this.visit(l);
      return a === null ? this.visit(r) : a;
    }
    const a = this.visit(l);
    const b = this.visit(r);
    switch (op) {
      case '==':
      case '!=': {
        if (typeof a === 'number') this.touch(a);
        if (typeof b === 'number') this.touch(b);
        return equal(a, b) === (op === '==');
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.compare(op, a, b, l, r);
      case 'in':
      case '!in':
        return this.contains(b, a, op) === (op === 'in');
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        if (typeof a !== 'string' || typeof b !== 'string') throw this.typeError(op, a, b);
        return op === 'contains' ? a.includes(b) : op === 'startsWith' ? a.startsWith(b) : a.endsWith(b);
      }
      default:
        return this.arithmetic(op, a, b);
    }
  }

  private compare(op: string, a: Value, b: Value, l: Node, r: Node): boolean {
    if (typeof a === 'number' && typeof b === 'number') {
      this.touch(a);
      this.touch(b);
      if (Number.isNaN(a) || Number.isNaN(b)) {
        const which = Number.isNaN(a) ? this.text(l) : this.text(r);
        throw new ConditionEvaluationError(EvalErrorCode.NaNComparison, `${which} is NaN and cannot be compared with '${op}'`);
      }
    } else if (typeof a !== 'string' || typeof b !== 'string') {
      throw this.typeError(op, a, b);
    }
    switch (op) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      default:
        return a >= b;
    }
  }

  private contains(container: Value, needle: Value, op: string): boolean {
    if (Array.isArray(container)) {
      if (typeof needle === 'number') this.touch(needle);
      return container.some((e: Value) => equal(e, needle));
    }
    if (container !== null && typeof container === 'object' && typeof needle === 'string') {
      return Object.hasOwn(container, needle);
    }
    throw this.typeError(op === 'in' ? 'in' : 'not in', needle, container);
  }

  private arithmetic(op: string, a: Value, b: Value): Value {
    if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
    if (typeof a !== 'number' || typeof b !== 'number') throw this.typeError(op, a, b);
    this.touch(a);
    this.touch(b);
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case '%':
        if (b === 0) throw new ConditionEvaluationError(EvalErrorCode.DivisionByZero, `integer divide by zero (${show(a)} % 0)`);
        return a % b;
      default:
        return a ** b;
    }
  }

  private member(objectNode: Node, property: string, optional: boolean): Value {
    const o = this.visit(objectNode);
    if (o === null) {
      if (optional) return null;
      throw new ConditionEvaluationError(EvalErrorCode.NilAccess, `cannot fetch '${property}' from nil (${this.text(objectNode)})`);
    }
    if (typeof o !== 'object' || Array.isArray(o)) {
      throw new ConditionEvaluationError(
        EvalErrorCode.TypeMismatch,
        `cannot fetch '${property}' from ${typeName(o)} (${this.text(objectNode)} = ${show(o)})`,
      );
    }
    const rec = o as { readonly [k: string]: Value };
    return Object.hasOwn(rec, property) ? (rec[property] ?? null) : null;
  }

  private index(objectNode: Node, indexNode: Node, optional: boolean): Value {
    const o = this.visit(objectNode);
    const i = this.visit(indexNode);
    if (o === null) {
      if (optional) return null;
      throw new ConditionEvaluationError(EvalErrorCode.NilAccess, `cannot index nil (${this.text(objectNode)})`);
    }
    if (Array.isArray(o)) {
      if (typeof i !== 'number' || !Number.isInteger(i)) {
        throw new ConditionEvaluationError(EvalErrorCode.TypeMismatch, `array index must be an integer, got ${show(i)}`);
      }
      const k = i < 0 ? o.length + i : i;
      if (k < 0 || k >= o.length) {
        throw new ConditionEvaluationError(
          EvalErrorCode.IndexOutOfRange,
          `index ${i} out of range: ${this.text(objectNode)} has ${o.length} element${o.length === 1 ? '' : 's'}`,
        );
      }
      return (o as readonly Value[])[k] ?? null;
    }
    if (typeof o === 'object' && typeof i === 'string') {
      const rec = o as { readonly [k: string]: Value };
      return Object.hasOwn(rec, i) ? (rec[i] ?? null) : null;
    }
    throw new ConditionEvaluationError(EvalErrorCode.TypeMismatch, `cannot index ${typeName(o)} with ${typeName(i)} (${this.text(objectNode)})`);
  }

  private call(name: string, args: readonly Node[]): Value {
    const spec = this.c.functions[name];
    if (spec?.kind === 'plain') return spec.fn(args.map((a) => this.visit(a)), this);
    const [listNode, body] = args as [Node, Node];
    const list = this.visit(listNode);
    if (!Array.isArray(list)) {
      throw new ConditionEvaluationError(EvalErrorCode.TypeMismatch, `${name}() expects an array, got ${typeName(list)} (${this.text(listNode)})`);
    }
    const results: Value[] = [];
    let hits = 0;
    for (const item of list as readonly Value[]) {
      this.pointers.push(item);
      const v = this.visit(body);
      this.pointers.pop();
      if (name === 'map') {
        results.push(v);
        continue;
      }
      const ok = this.bool(body, v, `the predicate of ${name}()`);
      if (ok) {
        hits++;
        if (name === 'filter') results.push(item);
        if (name === 'any') return true;
        if (name === 'none') return false;
      } else if (name === 'all') {
        return false;
      }
    }
    switch (name) {
      case 'all':
      case 'none':
        return true;
      case 'any':
        return false;
      case 'one':
        return hits === 1;
      case 'count':
        return hits;
      default:
        return results;
    }
  }
}

/** Evaluates a compiled expression to whatever value it computes. */
export function evaluateValue(compiled: CompiledCondition, env: Env): EvalOutcome | ConditionEvaluationError {
  const values: Record<string, Value> = {};
  for (const [k, v] of Object.entries(env)) values[k] = toValue(v);
  const ev = new Evaluator(compiled, values);
  try {
    return { value: ev.visit(compiled.root), touchedNonFinite: ev.touchedNonFinite };
  } catch (e) {
    if (e instanceof ConditionEvaluationError) return e;
    if (e instanceof RangeError) return new ConditionEvaluationError(EvalErrorCode.StepLimit, `evaluation too deep: ${e.message}`);
    throw e;
  }
}

/** Evaluates a condition that must produce a boolean; reports whether NaN/±Inf was consumed. */
export function evaluateCondition(compiled: CompiledCondition, env: Env): EvalOutcome<boolean> | ConditionEvaluationError {
  const out = evaluateValue(compiled, env);
  if (out instanceof ConditionEvaluationError) return out;
  if (typeof out.value !== 'boolean') {
    return new ConditionEvaluationError(
      EvalErrorCode.NotBoolean,
      `condition must evaluate to a bool, got ${typeName(out.value)} (${show(out.value)})`,
    );
  }
  return { value: out.value, touchedNonFinite: out.touchedNonFinite };
}

/** Evaluates a condition to a boolean, or the typed error that prevented it. */
export function evaluate(compiled: CompiledCondition, env: Env): boolean | ConditionEvaluationError {
  const out = evaluateCondition(compiled, env);
  return out instanceof ConditionEvaluationError ? out : out.value;
}
