import assert from 'node:assert/strict';
import {
  compileCondition,
  CONDITION_LIMITS,
  ConditionEvaluationError,
  ConditionSyntaxError,
  evaluate,
  evaluateCondition,
  EvalErrorCode,
  type CompiledCondition,
} from '../../src/analysis/conditions/index.js';

function compile(text: string): CompiledCondition {
  const c = compileCondition(text);
  if (c instanceof ConditionSyntaxError) assert.fail(`${text}: ${c.message}`);
  return c;
}

describe('analysis/conditions', () => {
  describe('evaluates the forms Argo Rollouts users write', () => {
    const cases: Record<string, { cond: string; result: unknown; want: boolean }> = {
      'bare boolean result': { cond: 'result', result: true, want: true },
      'first vector element passes': { cond: 'result[0] >= 0.95', result: [0.97], want: true },
      'first vector element fails': { cond: 'result[0] >= 0.95', result: [0.9], want: false },
      'len guard short-circuits an empty vector': { cond: 'len(result) > 0 && result[0] < 0.01', result: [], want: false },
      'len guard and value': { cond: 'len(result) > 0 && result[0] < 0.01', result: [0.001], want: true },
      'scalar equality': { cond: 'result == 1', result: 1, want: true },
      'equality across types is false, not an error': { cond: 'result == "1"', result: 1, want: false },
      'member access': { cond: 'result.status == "ok"', result: { status: 'ok' }, want: true },
      'index by string': { cond: 'result["p99"] < 300', result: { p99: 250 }, want: true },
      'nested member and index': { cond: 'result.data.items[1].ok', result: { data: { items: [{ ok: false }, { ok: true }] } }, want: true },
      'missing map key is nil': { cond: 'result.missing == nil', result: {}, want: true },
      'optional chaining on nil': { cond: 'result?.a?.b == nil', result: { a: null }, want: true },
      'and / or / not words': { cond: 'not (result < 1) and result < 3 or false', result: 2, want: true },
      '! binds tighter than ==': { cond: '!result == false', result: true, want: true },
      'arithmetic precedence': { cond: '1 + 2 * 3 == 7 && (1 + 2) * 3 == 9', result: 0, want: true },
      'modulo and division': { cond: '7 % 4 == 3 && 7 / 2 == 3.5', result: 0, want: true },
      'unary minus and power': { cond: '-2 ** 2 == -4 && 2 ** 3 ** 2 == 512', result: 0, want: true },
      'negative index from the end': { cond: 'result[-1] == 3', result: [1, 2, 3], want: true },
      'string concatenation and comparison': { cond: '"a" + "b" == "ab" && "a" < "b"', result: 0, want: true },
      'in array literal': { cond: 'result in [200, 201]', result: 201, want: true },
      'not in': { cond: 'result not in [200, 201]', result: 500, want: true },
      'in map keys': { cond: '"p99" in result', result: { p99: 1 }, want: true },
      'string operators': { cond: 'result startsWith "v1" && result contains ".2" && result endsWith "3"', result: 'v1.2.3', want: true },
      'ternary': { cond: '(len(result) > 0 ? result[0] : 0) < 0.5', result: [], want: true },
      'nil coalescing': { cond: '(result.x ?? 5) == 5', result: {}, want: true },
      'isNaN short-circuits a NaN comparison': { cond: 'isNaN(result[0]) || result[0] < 1', result: [NaN], want: true },
      'isInf': { cond: 'isInf(result[0]) && isInf(result[1]) && !isInf(result[2])', result: [Infinity, -Infinity, 1], want: true },
      'Inf compares as a number': { cond: 'result[0] > 1e300', result: [Infinity], want: true },
      'isNil': { cond: 'isNil(result) && !isNil(1)', result: null, want: true },
      'default on nil': { cond: 'default(result, 0) == 0', result: null, want: true },
      'default keeps a value': { cond: 'default(result, 0) == 2', result: 2, want: true },
      'asFloat of a string': { cond: 'asFloat(result) >= 0.9', result: '0.95', want: true },
      'asFloat of +Inf string': { cond: 'isInf(asFloat(result))', result: '+Inf', want: true },
      'asInt of a string': { cond: 'asInt(result) == 42', result: '42', want: true },
      'asInt truncates a number': { cond: 'asInt(result) == 3', result: 3.9, want: true },
      'all with #': { cond: 'all(result, # < 1000)', result: [1, 999], want: true },
      'all with braces (older expr syntax)': { cond: 'all(result, {# > 0})', result: [1, -2], want: false },
      'all of empty is true': { cond: 'all(result, # < 1)', result: [], want: true },
      'any / none / one': { cond: 'any(result, # > 2) && none(result, # > 5) && one(result, # == 3)', result: [1, 3], want: true },
      'filter, map, count and .field shorthand': {
        cond: 'count(result, .ok) == 1 && filter(result, .ok)[0].v == 2 && map(result, .v)[0] == 1',
        result: [{ ok: false, v: 1 }, { ok: true, v: 2 }],
        want: true,
      },
      'min / max / sum / mean / abs / round': {
        cond: 'min(result) == 1 && max(1, 5) == 5 && sum(result) == 6 && mean(result) == 2 && abs(-2) == 2 && round(2.5) == 3',
        result: [1, 2, 3],
        want: true,
      },
      'len of string and map': { cond: 'len("abc") == 3 && len(result) == 2', result: { a: 1, b: 2 }, want: true },
      'multi-line condition': { cond: 'len(result) > 0\n  && result[0] < 0.05', result: [0.01], want: true },
      'number with exponent and underscores': { cond: '1_000 == 1e3 && 2.5e-1 == 0.25', result: 0, want: true },
      'single-quoted and escaped strings': { cond: `'it\\'s' == "it's" && "a\\tb" == "a\tb"`, result: 0, want: true },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const out = evaluate(compile(tc.cond), { result: tc.result });
        if (out instanceof ConditionEvaluationError) assert.fail(`${tc.cond}: ${out.code} ${out.message}`);
        assert.equal(out, tc.want);
      });
    }
  });

  describe('reports syntax errors with the column and what was expected', () => {
    const cases: Record<string, { cond: string; message: string; column: number }> = {
      'stray closing parenthesis': { cond: 'result[0] >= )', message: "unexpected ')' at column 14, expected an expression", column: 14 },
      'unbalanced parentheses': { cond: '(result[0] < 1', message: "unexpected end of condition at column 15, expected ')'", column: 15 },
      'extra closing parenthesis': {
        cond: '(result[0] < 1))',
        message: "unexpected ')' at column 16, expected an operator or the end of the condition",
        column: 16,
      },
      'dangling operator': { cond: 'result >', message: 'unexpected end of condition at column 9, expected an expression', column: 9 },
      'single =': { cond: 'result = 1', message: "unexpected '=' at column 8, expected '==' to compare", column: 8 },
      'single &': { cond: 'result & true', message: "unexpected '&' at column 8, expected '&&'", column: 8 },
      'unknown name': { cond: 'reslt > 1', message: "unknown name 'reslt' (known: 'result') at column 1", column: 1 },
      'unknown function': { cond: 'result > foo(1)', message: "unknown function 'foo' at column 10", column: 10 },
      'wrong arity': { cond: 'len(result, 1) > 0', message: 'len() takes 1 argument but got 2 at column 1', column: 1 },
      'predicate arity': { cond: 'all(result)', message: 'all() takes 2 arguments but got 1 at column 1', column: 1 },
      '# outside a predicate': { cond: '# > 1', message: "'#' is only valid inside a predicate such as all(result, # > 0) at column 1", column: 1 },
      'unterminated string': { cond: 'result == "ok', message: `unterminated string at column 11, expected a closing "`, column: 11 },
      'bad character': { cond: 'result @ 1', message: "unexpected character '@' at column 8", column: 8 },
      'bad number': { cond: 'result > 1abc', message: "invalid number '1a' at column 10", column: 10 },
      'missing field name': { cond: 'result.', message: 'unexpected end of condition at column 8, expected a field name', column: 8 },
      'keyword as operand': { cond: 'result and and', message: "unexpected 'and' at column 12, expected an expression", column: 12 },
      'empty': { cond: '   ', message: 'empty condition at column 4, expected an expression', column: 4 },
      'multi-line reports the line': {
        cond: 'len(result) > 0 &&\n  result[0] <',
        message: 'unexpected end of condition at line 2, column 14, expected an expression',
        column: 14,
      },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const c = compileCondition(tc.cond);
        assert.ok(c instanceof ConditionSyntaxError, `expected a syntax error for ${tc.cond}`);
        assert.equal(c.message, tc.message);
        assert.equal(c.column, tc.column);
      });
    }
  });

  describe('returns typed evaluation errors instead of crashing', () => {
    const cases: Record<string, { cond: string; result: unknown; code: EvalErrorCode; message: string }> = {
      'string compared to number': {
        cond: 'result > 1',
        result: 'high',
        code: EvalErrorCode.TypeMismatch,
        message: 'invalid operation: string > number ("high" > 1)',
      },
      'index out of range on an empty vector': {
        cond: 'result[0] < 0.01',
        result: [],
        code: EvalErrorCode.IndexOutOfRange,
        message: 'index 0 out of range: result has 0 elements',
      },
      'NaN compared': {
        cond: 'result[0] < 0.01',
        result: [NaN],
        code: EvalErrorCode.NaNComparison,
        message: "result[0] is NaN and cannot be compared with '<'",
      },
      'member of nil': { cond: 'result.a.b', result: { a: null }, code: EvalErrorCode.NilAccess, message: "cannot fetch 'b' from nil (result.a)" },
      'member of array': { cond: 'result.status == "ok"', result: [1], code: EvalErrorCode.TypeMismatch, message: "cannot fetch 'status' from array (result = [1])" },
      'not a boolean': { cond: 'result[0]', result: [0.5], code: EvalErrorCode.NotBoolean, message: 'condition must evaluate to a bool, got number (0.5)' },
      'non-boolean with &&': {
        cond: 'result && true',
        result: 1,
        code: EvalErrorCode.TypeMismatch,
        message: "the left side of '&&' must be a bool, got number (result = 1)",
      },
      'asInt of garbage': { cond: 'asInt(result) > 0', result: 'abc', code: EvalErrorCode.BadArgument, message: 'asInt(): cannot parse "abc" as an integer' },
      'asFloat of garbage': { cond: 'asFloat(result) > 0', result: '', code: EvalErrorCode.BadArgument, message: 'asFloat(): cannot parse "" as a number' },
      'len of a number': { cond: 'len(result) > 0', result: 3, code: EvalErrorCode.TypeMismatch, message: 'len() expects an array, a string or a map, got number (3)' },
      'modulo by zero': { cond: 'result % 0 == 0', result: 3, code: EvalErrorCode.DivisionByZero, message: 'integer divide by zero (3 % 0)' },
      'fractional index': { cond: 'result[0.5] == 1', result: [1], code: EvalErrorCode.TypeMismatch, message: 'array index must be an integer, got 0.5' },
      'predicate over a non-array': { cond: 'all(result, # > 0)', result: 5, code: EvalErrorCode.TypeMismatch, message: 'all() expects an array, got number (result)' },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const out = evaluate(compile(tc.cond), { result: tc.result });
        assert.ok(out instanceof ConditionEvaluationError, `expected an error, got ${String(out)}`);
        assert.equal(out.code, tc.code);
        assert.equal(out.message, tc.message);
      });
    }
  });

  describe('records NaN and Inf that the condition consumed', () => {
    const cases: Record<string, { cond: string; result: unknown; touched: boolean }> = {
      'isNaN on NaN': { cond: 'isNaN(result[0]) || result[0] < 1', result: [NaN], touched: true },
      'Inf compared': { cond: 'result[0] >= 0.95', result: [Infinity], touched: true },
      'NaN elsewhere in the vector, not read': { cond: 'result[0] < 1', result: [0.5, NaN], touched: false },
      'len only': { cond: 'len(result) == 2', result: [NaN, NaN], touched: false },
      'all over a vector with Inf': { cond: 'all(result, # > 0)', result: [1, Infinity], touched: true },
      'division by zero yields Inf': { cond: 'result / 0 > 1', result: 1, touched: true },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const out = evaluateCondition(compile(tc.cond), { result: tc.result });
        if (out instanceof ConditionEvaluationError) assert.fail(out.message);
        assert.equal(out.touchedNonFinite, tc.touched);
      });
    }
  });

  describe('bounds the cost', () => {
    it('rejects text over the length limit', () => {
      const c = compileCondition(`result == "${'x'.repeat(CONDITION_LIMITS.maxLength)}"`);
      assert.ok(c instanceof ConditionSyntaxError);
      assert.match(c.message, /longer than 2048 characters/);
    });

    it('rejects too many nodes', () => {
      const c = compileCondition(Array.from({ length: 200 }, () => 'result').join(' + ') + ' > 0');
      assert.ok(c instanceof ConditionSyntaxError);
      assert.match(c.message, /too complex \(more than 256 nodes\)/);
    });

    it('rejects deep nesting', () => {
      const c = compileCondition(`${'('.repeat(60)}result${')'.repeat(60)}`);
      assert.ok(c instanceof ConditionSyntaxError);
      assert.match(c.message, /nested too deeply/);
    });

    it('stops an evaluation that exceeds the step budget', () => {
      const big = Array.from({ length: 20_000 }, (_, i) => [i, i]);
      const out = evaluate(compile('all(result, all(#, # >= 0))'), { result: big });
      assert.ok(out instanceof ConditionEvaluationError);
      assert.equal(out.code, EvalErrorCode.StepLimit);
    });

    it('never reaches eval: a JavaScript payload is just an unknown name', () => {
      const c = compileCondition('constructor.constructor("return process")()');
      assert.ok(c instanceof ConditionSyntaxError);
      assert.match(c.message, /unknown name 'constructor'/);
    });

    it('does not read prototype properties', () => {
      const out = evaluate(compile('result.__proto__ == nil && result.toString == nil'), { result: {} });
      assert.equal(out, true);
    });
  });
});
