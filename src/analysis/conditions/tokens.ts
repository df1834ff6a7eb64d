/**
 * The tokenizer for conditions: the subset of the expr-lang/expr language that Argo Rollouts
 * users write in `successCondition` and `failureCondition`.
 */

/** The kinds of token. `op` covers operators and punctuation alike. */
export const TokenKind = {
  Number: 'number',
  String: 'string',
  Ident: 'ident',
  Op: 'op',
  Eof: 'eof',
} as const;
/** One of {@link TokenKind}. */
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** One token; `start`/`end` are 0-based offsets into the source. */
export interface Token {
  readonly kind: TokenKind;
  /** The source text (for strings: the decoded value). */
  readonly text: string;
  /** For numbers, the value. */
  readonly num?: number;
  readonly start: number;
  readonly end: number;
}

/** A tokenizer failure at `pos` (0-based); the parser turns it into a syntax error. */
export class TokenizeError extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly expected = '',
  ) {
    super(message);
  }
}

const TWO = ['&&', '||', '==', '!=', '<=', '>=', '**', '??', '?.'];
const ONE = '!<>+-*/%^?:()[]{},.#';
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '`': '`', '0': '\0' };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_$]/.test(c);
}
function isIdentPart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c);
}

function readNumber(src: string, start: number): Token {
  let i = start;
  const digits = (): void => {
    while (isDigit(src[i]) || (src[i] === '_' && isDigit(src[i + 1]) && isDigit(src[i - 1]))) i++;
  };
  digits();
  if (src[i] === '.' && isDigit(src[i + 1])) {
    i++;
    digits();
  }
  if ((src[i] === 'e' || src[i] === 'E') && (isDigit(src[i + 1]) || ((src[i + 1] === '+' || src[i + 1] === '-') && isDigit(src[i + 2])))) {
    i += 2;
    digits();
  }
  if (isIdentPart(src[i])) throw new TokenizeError(`invalid number '${src.slice(start, i + 1)}'`, start);
  const text = src.slice(start, i);
  return { kind: TokenKind.Number, text, num: Number(text.replace(/_/g, '')), start, end: i };
}

function readString(src: string, start: number): Token {
  const quote = src[start];
  let i = start + 1;
  let out = '';
  for (;;) {
    const c = src[i];
    if (c === undefined) throw new TokenizeError('unterminated string', start, `a closing ${quote}`);
    if (c === quote) break;
    if (c === '\\' && quote !== '`') {
      const e = src[i + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const decoded = e === undefined ? undefined : ESCAPES[e];
      if (decoded === undefined) throw new TokenizeError(`invalid escape '\\${e ?? ''}' in string`, i);
      out += decoded;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return { kind: TokenKind.String, text: out, start, end: i + 1 };
}

/** Splits `src` into tokens, ending with one `eof` token. Throws {@link TokenizeError}. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (isDigit(c)) {
      const t = readNumber(src, i);
      out.push(t);
      i = t.end;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const t = readString(src, i);
      out.push(t);
      i = t.end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (isIdentPart(src[j])) j++;
      out.push({ kind: TokenKind.Ident, text: src.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    // `?.` followed by a digit is a ternary and a number (`a ?.5 : 1`), not optional chaining.
    if (TWO.includes(two) && !(two === '?.' && isDigit(src[i + 2]))) {
      out.push({ kind: TokenKind.Op, text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (c !== undefined && ONE.includes(c)) {
      out.push({ kind: TokenKind.Op, text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '=') throw new TokenizeError("unexpected '='", i, "'==' to compare");
    if (c === '&' || c === '|') throw new TokenizeError(`unexpected '${c}'`, i, `'${c}${c}'`);
    throw new TokenizeError(`unexpected character '${c ?? ''}'`, i);
  }
  out.push({ kind: TokenKind.Eof, text: '', start: src.length, end: src.length });
  return out;
}
