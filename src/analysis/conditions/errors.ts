/**
 * The two ways a condition goes wrong: it does not parse ({@link ConditionSyntaxError}, found
 * when the template is read) or it cannot be evaluated against a measured value
 * ({@link ConditionEvaluationError}, found per measurement). Both are returned, never thrown, by
 * the public functions of this folder.
 */

/** Why an evaluation failed; decide with these codes, never with the message text. */
export const EvalErrorCode = {
  /** An operator or function got a value of the wrong type (`"a" < 1`, `len(1)`). */
  TypeMismatch: 'TypeMismatch',
  /** An index past either end of an array (`result[0]` on an empty vector). */
  IndexOutOfRange: 'IndexOutOfRange',
  /** `<`, `<=`, `>`, `>=` with NaN on either side: there is no answer, only missing data. */
  NaNComparison: 'NaNComparison',
  /** A member or index read on nil without `?.` (`result.status` when result is nil). */
  NilAccess: 'NilAccess',
  /** The whole condition did not produce a boolean. */
  NotBoolean: 'NotBoolean',
  /** A helper got an argument it cannot convert (`asInt("abc")`). */
  BadArgument: 'BadArgument',
  /** `%` by zero. */
  DivisionByZero: 'DivisionByZero',
  /** The evaluation took more steps than the budget allows. */
  StepLimit: 'StepLimit',
} as const;
/** One of {@link EvalErrorCode}. */
export type EvalErrorCode = (typeof EvalErrorCode)[keyof typeof EvalErrorCode];

/** A condition that does not parse, with where (1-based line and column) and what was expected. */
export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column of the offending token within its line. */
  readonly column: number;
  /** What the parser expected there, e.g. "an expression"; empty when not applicable. */
  readonly expected: string;

  constructor(reason: string, line: number, column: number, expected = '', multiline = false) {
    const where = multiline ? `line ${line}, column ${column}` : `column ${column}`;
    super(`${reason} at ${where}${expected ? `, expected ${expected}` : ''}`);
    this.line = line;
    this.column = column;
    this.expected = expected;
  }
}

/** A condition that parsed but could not be evaluated against the given value. */
export class ConditionEvaluationError extends Error {
  override readonly name = 'ConditionEvaluationError';
  /** The machine-readable reason. */
  readonly code: EvalErrorCode;

  constructor(code: EvalErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
