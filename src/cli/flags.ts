/**
 * Flag parsing helpers over `util.parseArgs`: every mistake becomes a {@link UsageError} that
 * names the flag and what is allowed.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

/** Flag kinds: 'string' takes a value, 'boolean' accepts `--f`, `--f=true|false`. */
export type FlagSpec = Record<string, { kind: 'string' | 'boolean'; help: string }>;

/** Parses `argv` against `spec`; returns raw string values (booleans as 'true'/'false'). */
export function parseFlags(command: string, argv: string[], spec: FlagSpec): Record<string, string | undefined> {
  const booleans = new Set(Object.entries(spec).filter(([, s]) => s.kind === 'boolean').map(([n]) => n));
  // `--leader-elect` alone means true; parseArgs wants a value for string options.
  const normalized = argv.map((a) => (a.startsWith('--') && booleans.has(a.slice(2)) ? `${a}=true` : a));
  const allowed = Object.keys(spec).map((n) => `--${n}`).join(', ');
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: normalized,
      options: Object.fromEntries(Object.keys(spec).map((n) => [n, { type: 'string' as const }])),
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw new UsageError(`unknown flag ${unknown[1]}; allowed: ${allowed}`);
    const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(msg);
    if (missing) throw new UsageError(`flag ${missing[1]} needs a value`);
    const ambiguous = /Option '([^']+?)(?: <value>)?' argument is ambiguous/.exec(msg);
    if (ambiguous) throw new UsageError(`flag ${ambiguous[1]} needs a value; write ${ambiguous[1]}=<value> for a value that starts with '-'`);
    throw new UsageError(msg.split('\n')[0] ?? msg);
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; ${command} takes only flags (${allowed})`);
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    const v = Array.isArray(value) ? value[value.length - 1] : value;
    out[name] = typeof v === 'string' ? v : undefined;
    if (booleans.has(name) && v !== 'true' && v !== 'false') throw new UsageError(`--${name} must be true or false (got '${String(v)}')`);
  }
  return out;
}

/** An integer in [min, max], or the default when absent. */
export function intFlag(name: string, raw: string | undefined, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max} (got '${raw}')`);
  }
  return n;
}

/** A number > 0 (or >= min), or the default when absent. */
export function positiveFlag(name: string, raw: string | undefined, def: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number greater than 0 (got '${raw}')`);
  return n;
}

/** A duration: plain seconds (`15`, `0.5`) or with a unit (`500ms`, `15s`, `1m`); returns ms. */
export function durationFlag(name: string, raw: string | undefined, defMs: number): number {
  if (raw === undefined) return defMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n > 0)) throw new UsageError(`--${name} must be a positive duration such as 15, 15s, 500ms or 1m (got '${raw}')`);
  const unit = m[2] ?? 's';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
}

/** One of `allowed`, or the default when absent. */
export function choiceFlag<T extends string>(name: string, raw: string | undefined, def: T, allowed: readonly T[]): T {
  if (raw === undefined) return def;
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${raw}')`);
  return raw as T;
}

/** Usage text listing the flags. */
export function usage(command: string, spec: FlagSpec): string {
  const width = Math.max(...Object.keys(spec).map((n) => n.length)) + 4;
  return [`usage: ${command} [flags]`, ...Object.entries(spec).map(([n, s]) => `  --${n.padEnd(width)}${s.help}`)].join('\n');
}
