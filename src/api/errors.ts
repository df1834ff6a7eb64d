/**
 * Field errors: what parsing reports, with a path a person can find in their manifest
 * (`spec.strategy.canary.steps[2].setWeight`) and a message that says what is allowed.
 */
import type { z } from 'zod';

/** One problem with one field of an object. */
export interface FieldError {
  /** Dotted path with `[i]` indexes, e.g. `spec.strategy.canary.steps[2].setWeight`; '' for the whole object. */
  readonly path: string;
  /** What is wrong, what is allowed and, where useful, the fix. */
  readonly message: string;
}

/** The outcome of parsing: the typed value with defaults filled in, or every problem found. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Renders a path array as `a.b[2].c`, quoting keys that are not plain (`labels["app.io/name"]`). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** `path: message`, or the bare message for the whole object. */
export function formatFieldError(e: FieldError): string {
  return e.path === '' ? e.message : `${e.path}: ${e.message}`;
}

/** Up to `max` errors joined with '; ', plus how many were left out: for a condition message. */
export function summarizeFieldErrors(errors: readonly FieldError[], max = 3): string {
  const shown = errors.slice(0, max).map(formatFieldError).join('; ');
  const rest = errors.length - max;
  return rest > 0 ? `${shown} (and ${rest} more)` : shown;
}

/** A short rendering of a received value for messages: `120`, `"abc"`, `an object`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return `an ${typeof v}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object of key/value pairs',
};

/**
 * The error map used for every parse: turns zod's issues into the messages Sluice shows.
 * Messages set on a schema itself (ranges, durations) take precedence over this map.
 */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  const got = describeValue(iss.input);
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'is required';
      const expected = TYPE_NAMES[iss.expected] ?? iss.expected;
      return `must be ${expected}, got ${got}`;
    }
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'too_small':
      if (iss.origin === 'array') return `must have at least ${String(iss.minimum)} item(s)`;
      if (iss.origin === 'string') return iss.minimum === 1 ? 'must not be empty' : `must be at least ${String(iss.minimum)} characters`;
      return `must be ${iss.inclusive ? '>=' : '>'} ${String(iss.minimum)}, got ${got}`;
    case 'too_big':
      if (iss.origin === 'array') return `must have at most ${String(iss.maximum)} item(s)`;
      if (iss.origin === 'string') return `must be at most ${String(iss.maximum)} characters`;
      return `must be ${iss.inclusive ? '<=' : '<'} ${String(iss.maximum)}, got ${got}`;
    case 'invalid_union':
      return `has an unexpected form, got ${got}`;
    case 'invalid_format':
      return `must match ${iss.pattern ?? iss.format}, got ${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}, got ${got}`;
    default:
      return undefined;
  }
};

/** Converts zod issues (from a parse with {@link errorMap}) into field errors, with `prefix` before each path. */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey> = []): FieldError[] {
  return issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
}
