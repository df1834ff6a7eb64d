/**
 * A recursive-descent (Pratt) parser from condition text to a {@link Node} tree. Operator
 * precedence follows expr-lang/expr, the language Argo Rollouts evaluates conditions with:
 *
 * | precedence | operators                                                      |
 * |-----------:|----------------------------------------------------------------|
 * |  lowest    | `cond ? a : b`                                                 |
 * |         10 | `\|\|` `or`                                                    |
 * |         15 | `&&` `and`                                                     |
 * |         20 | `==` `!=` `<` `<=` `>` `>=` `in` `not in` `contains` `startsWith` `endsWith` |
 * |         30 | `+` `-`                                                        |
 * |         50 | unary `!` `not`                                                |
 * |         60 | `*` `/` `%`                                                    |
 * |         90 | unary `-` `+`                                                  |
 * |        100 | `**` `^` (right-associative)                                   |
 * |        500 | `??`                                                           |
 * |    highest | `a.b` `a?.b` `a[i]` `f(x)`                                     |
 *
 * Cost is bounded here: the text length, the number of nodes and the nesting depth are capped.
 */
import type { BinaryOp, Node, Value } from './ast.js';
import { BUILTINS, type Builtin } from './builtins.js';
import { ConditionSyntaxError } from './errors.js';
import { tokenize, TokenizeError, TokenKind, type Token } from './tokens.js';

/** Hard limits on what a condition may cost to parse and, by extension, to evaluate. */
export const CONDITION_LIMITS = {
  /** Characters of condition text. */
  maxLength: 2048,
  /** Nodes of the syntax tree. */
  maxNodes: 256,
  /** Nesting depth (parentheses, calls, operators). */
  maxDepth: 48,
  /** Evaluation steps (nodes visited, predicate iterations included). */
  maxSteps: 100_000,
} as const;

/** What names and functions a condition may use. */
export interface CompileOptions {
  /** Variables the environment provides; default `['result']`. */
  readonly variables?: readonly string[];
  /** Extra functions, added to (or replacing) the builtins. */
  readonly functions?: Readonly<Record<string, Builtin>>;
}

/** A parsed condition, ready for repeated evaluation. */
export interface CompiledCondition {
  readonly source: string;
  readonly root: Node;
  readonly functions: Readonly<Record<string, Builtin>>;
}

interface BinaryInfo {
  readonly op: BinaryOp;
  readonly prec: number;
  readonly right: boolean;
  readonly width: number;
}

const BINARY: Readonly<Record<string, readonly [BinaryOp, number]>> = {
  '||': ['||', 10], or: ['||', 10],
  '&&': ['&&', 15], and: ['&&', 15],
  '==': ['==', 20], '!=': ['!=', 20], '<': ['<', 20], '<=': ['<=', 20], '>': ['>', 20], '>=': ['>=', 20],
  in: ['in', 20], contains: ['contains', 20], startsWith: ['startsWith', 20], endsWith: ['endsWith', 20],
  '+': ['+', 30], '-': ['-', 30],
  '*': ['*', 60], '/': ['/', 60], '%': ['%', 60],
  '**': ['**', 100], '^': ['**', 100],
  '??': ['??', 500],
};
const LITERALS: Readonly<Record<string, Value>> = { true: true, false: false, nil: null };
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'startsWith', 'endsWith', 'matches']);

class Parser {
  private i = 0;
  private nodes = 0;
  private depth = 0;
  private closures = 0;
  private readonly vars: ReadonlySet<string>;

  constructor(
    private readonly src: string,
    private readonly tokens: readonly Token[],
    readonly functions: Readonly<Record<string, Builtin>>,
    variables: readonly string[],
  ) {
    this.vars = new Set(variables);
  }

  parse(): Node {
    const root = this.ternary();
    const t = this.peek();
    if (t.kind !== TokenKind.Eof) this.fail(t, `unexpected ${describe(t)}`, 'an operator or the end of the condition');
    return root;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private isOp(t: Token, text: string): boolean {
    return t.kind === TokenKind.Op && t.text === text;
  }

  private expect(text: string): Token {
    const t = this.peek();
    if (!this.isOp(t, text)) this.fail(t, `unexpected ${describe(t)}`, `'${text}'`);
    return this.next();
  }

  fail(t: { start: number }, reason: string, expected = ''): never {
    throw syntaxError(this.src, t.start, reason, expected);
  }

  private make<N extends Node>(node: N): N {
    if (++this.nodes > CONDITION_LIMITS.maxNodes) {
      this.fail(this.peek(), `condition is too complex (more than ${CONDITION_LIMITS.maxNodes} nodes)`);
    }
    return node;
  }

  private enter(): void {
    if (++this.depth > CONDITION_LIMITS.maxDepth) {
      this.fail(this.peek(), `condition is nested too deeply (more than ${CONDITION_LIMITS.maxDepth} levels)`);
    }
  }

  private ternary(): Node {
    this.enter();
    const test = this.binary(0);
    let out = test;
    if (this.isOp(this.peek(), '?')) {
      this.next();
      const consequent = this.ternary();
      this.expect(':');
      const alternate = this.ternary();
      out = this.make({ type: 'conditional', test, consequent, alternate, start: test.start, end: alternate.end });
    }
    this.depth--;
    return out;
  }

  private binaryAt(): BinaryInfo | undefined {
    const t = this.peek();
    if (t.kind === TokenKind.Ident && t.text === 'not' && this.peek(1).kind === TokenKind.Ident && this.peek(1).text === 'in') {
      return { op: '!in', prec: 20, right: false, width: 2 };
    }
    if (t.kind !== TokenKind.Op && t.kind !== TokenKind.Ident) return undefined;
    const hit = Object.hasOwn(BINARY, t.text) ? BINARY[t.text] : undefined;
    if (!hit) return undefined;
    return { op: hit[0], prec: hit[1], right: hit[0] === '**', width: 1 };
  }

  private binary(minPrec: number): Node {
    this.enter();
    let left = this.unary();
    for (;;) {
      const info = this.binaryAt();
      if (!info || info.prec < minPrec) break;
      for (let k = 0; k < info.width; k++) this.next();
      const right = this.binary(info.right ? info.prec : info.prec + 1);
      left = this.make({ type: 'binary', op: info.op, left, right, start: left.start, end: right.end });
    }
    this.depth--;
    return left;
  }

  private unary(): Node {
    const t = this.peek();
    const not = this.isOp(t, '!') || (t.kind === TokenKind.Ident && t.text === 'not');
    if (not || this.isOp(t, '-') || this.isOp(t, '+')) {
      this.next();
      const operand = this.binary(not ? 50 : 90);
      const op = not ? '!' : (t.text as '-' | '+');
      return this.make({ type: 'unary', op, operand, start: t.start, end: operand.end });
    }
    return this.postfix(this.primary());
  }

  private primary(): Node {
    const t = this.peek();
    if (t.kind === TokenKind.Number) {
      this.next();
      return this.make({ type: 'literal', value: t.num ?? NaN, start: t.start, end: t.end });
    }
    if (t.kind === TokenKind.String) {
      this.next();
      return this.make({ type: 'literal', value: t.text, start: t.start, end: t.end });
    }
    if (t.kind === TokenKind.Ident) return this.identifier(t);
    if (this.isOp(t, '(')) {
      this.next();
      const inner = this.ternary();
      this.expect(')');
      return inner;
    }
    if (this.isOp(t, '[')) return this.arrayLiteral(t);
    if (this.isOp(t, '#')) {
      if (this.closures === 0) this.fail(t, "'#' is only valid inside a predicate such as all(result, # > 0)");
      this.next();
      return this.make({ type: 'pointer', start: t.start, end: t.end });
    }
    if (this.isOp(t, '.') && this.closures > 0 && this.peek(1).kind === TokenKind.Ident) {
      this.next();
      const name = this.next();
      const object = this.make({ type: 'pointer', start: t.start, end: t.start } as const);
      return this.make({ type: 'member', object, property: name.text, optional: false, start: t.start, end: name.end });
    }
    return this.fail(t, `unexpected ${describe(t)}`, 'an expression');
  }

  private identifier(t: Token): Node {
    this.next();
    if (Object.hasOwn(LITERALS, t.text)) return this.make({ type: 'literal', value: LITERALS[t.text] ?? null, start: t.start, end: t.end });
    if (this.isOp(this.peek(), '(')) return this.call(t);
    if (KEYWORDS.has(t.text)) this.fail(t, `unexpected '${t.text}'`, 'an expression');
    if (!this.vars.has(t.text)) {
      const known = [...this.vars].map((v) => `'${v}'`).join(', ') || 'none';
      this.fail(t, `unknown name '${t.text}' (known: ${known})`);
    }
    return this.make({ type: 'ident', name: t.text, start: t.start, end: t.end });
  }

  private call(nameTok: Token): Node {
    const spec = Object.hasOwn(this.functions, nameTok.text) ? this.functions[nameTok.text] : undefined;
    if (!spec) this.fail(nameTok, `unknown function '${nameTok.text}'`);
    this.expect('(');
    const args: Node[] = [];
    if (!this.isOp(this.peek(), ')')) {
      for (;;) {
        if (spec.kind === 'predicate' && args.length === 1) args.push(this.closure());
        else args.push(this.ternary());
        if (!this.isOp(this.peek(), ',')) break;
        this.next();
      }
    }
    const close = this.expect(')');
    const [min, max] = spec.kind === 'predicate' ? [2, 2] : [spec.min, spec.max];
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      this.fail(nameTok, `${nameTok.text}() takes ${want} argument${max === 1 ? '' : 's'} but got ${args.length}`);
    }
    return this.make({ type: 'call', name: nameTok.text, args, start: nameTok.start, end: close.end });
  }

  private closure(): Node {
    const open = this.peek();
    const braced = this.isOp(open, '{');
    if (braced) this.next();
    this.closures++;
    const body = this.ternary();
    this.closures--;
    const end = braced ? this.expect('}').end : body.end;
    return this.make({ type: 'closure', body, start: open.start, end });
  }

  private arrayLiteral(open: Token): Node {
    this.next();
    const elements: Node[] = [];
    while (!this.isOp(this.peek(), ']')) {
      elements.push(this.ternary());
      if (!this.isOp(this.peek(), ',')) break;
      this.next();
    }
    const close = this.expect(']');
    return this.make({ type: 'array', elements, start: open.start, end: close.end });
  }

  private postfix(node: Node): Node {
    let out = node;
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '.') || this.isOp(t, '?.')) {
        this.next();
        const optional = t.text === '?.';
        if (optional && this.isOp(this.peek(), '[')) {
          out = this.indexOf(out, true);
          continue;
        }
        const name = this.peek();
        if (name.kind !== TokenKind.Ident) this.fail(name, `unexpected ${describe(name)}`, 'a field name');
        this.next();
        out = this.make({ type: 'member', object: out, property: name.text, optional, start: out.start, end: name.end });
      } else if (this.isOp(t, '[')) {
        out = this.indexOf(out, false);
      } else {
        return out;
      }
    }
  }

  private indexOf(object: Node, optional: boolean): Node {
    this.expect('[');
    const index = this.ternary();
    const close = this.expect(']');
    return this.make({ type: 'index', object, index, optional, start: object.start, end: close.end });
  }
}

function describe(t: Token): string {
  if (t.kind === TokenKind.Eof) return 'end of condition';
  if (t.kind === TokenKind.String) return `string ${JSON.stringify(t.text)}`;
  return `'${t.text}'`;
}

function syntaxError(src: string, offset: number, reason: string, expected: string): ConditionSyntaxError {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return new ConditionSyntaxError(reason, line, column, expected, src.trimEnd().includes('\n'));
}

/**
 * Parses a condition. Returns the compiled form, or a {@link ConditionSyntaxError} naming the
 * 1-based column and what was expected, e.g. `unexpected ')' at column 14, expected an expression`.
 */
export function compileCondition(text: string, options: CompileOptions = {}): CompiledCondition | ConditionSyntaxError {
  const functions = { ...BUILTINS, ...options.functions };
  if (text.length > CONDITION_LIMITS.maxLength) {
    return syntaxError(text, CONDITION_LIMITS.maxLength, `condition is longer than ${CONDITION_LIMITS.maxLength} characters`, '');
  }
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    if (e instanceof TokenizeError) return syntaxError(text, e.pos, e.message, e.expected);
    throw e;
  }
  if (tokens.length === 1) return syntaxError(text, text.length, 'empty condition', 'an expression');
  try {
    const root = new Parser(text, tokens, functions, options.variables ?? ['result']).parse();
    return { source: text, root, functions };
  } catch (e) {
    if (e instanceof ConditionSyntaxError) return e;
    throw e;
  }
}
