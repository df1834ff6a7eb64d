/**
 * Safe conditions: `successCondition` / `failureCondition` text in the expr-lang/expr dialect
 * Argo Rollouts users write (`result[0] >= 0.95`, `len(result) > 0 && result[0] < 0.01`,
 * `all(result, # < 1000)`), parsed to a tree and walked with a step budget. No eval.
 */
export type { Value, Node, BinaryOp } from './ast.js';
export { ConditionSyntaxError, ConditionEvaluationError, EvalErrorCode } from './errors.js';
export { compileCondition, CONDITION_LIMITS, type CompiledCondition, type CompileOptions } from './parser.js';
export { evaluate, evaluateCondition, evaluateValue, type Env, type EvalOutcome } from './evaluate.js';
export { BUILTINS, type Builtin, type PlainBuiltin, type CallContext } from './builtins.js';
export { formatNumber, parseFloatStrict, show, toValue } from './values.js';
