/**
 * Durations as Sluice accepts them: Go-style strings (`"30s"`, `"5m"`, `"1h30m"`, `"250ms"`),
 * plain numbers of seconds (`30`) and numeric strings (`"30"`), like Argo Rollouts' pause
 * duration. Parsed values are milliseconds; the manifest keeps the text as written (parsing
 * never changes its input), so writing an object back round-trips it unchanged.
 */
import { z } from 'zod';
import { describeValue } from './errors.js';

/** A duration as written in a manifest: Go-style text or seconds. */
export type DurationText = string | number;

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
const NUMERIC = /^\s*\d+(?:\.\d+)?\s*$/;

/** The message for a value that is not a duration. */
export function durationError(x: unknown): string {
  return `must be a duration such as "30s", "5m", "1h30m" or a number of seconds, got ${describeValue(x)}`;
}

/** Milliseconds for `x`, or undefined when it is not a valid non-negative duration. */
export function tryParseDuration(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) && x >= 0 ? x * 1000 : undefined;
  if (typeof x !== 'string') return undefined;
  if (NUMERIC.test(x)) return Number(x) * 1000;
  const text = x.trim();
  if (text === '0') return 0;
  if (text === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (!m || m[1] === undefined || m[2] === undefined) return undefined;
    const unit = UNIT_MS[m[2]];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
  }
  return total;
}

/**
 * Milliseconds for a duration: `parseDuration("1h30m") === 5_400_000`, `parseDuration(30) === 30_000`.
 * @throws TypeError when `x` is not a duration (negative durations are rejected too).
 */
export function parseDuration(x: unknown): number {
  const ms = tryParseDuration(x);
  if (ms === undefined) throw new TypeError(durationError(x));
  return ms;
}

/** Go-style text for milliseconds, for messages: `5_400_000 -> "1h30m"`, `250 -> "250ms"`, `0 -> "0s"`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  rest -= s * 1000;
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${s}s`;
  if (rest) out += `${rest}ms`;
  return out === '' ? '0s' : out;
}

/**
 * Schema of a duration field: accepts {@link DurationText}, outputs milliseconds. In the CRD it
 * is `x-kubernetes-int-or-string: true` (the walker reads the input side of the pipe).
 */
export const DurationSchema = z
  .union([z.number(), z.string()], { error: (iss) => durationError(iss.input) })
  .transform((x, ctx): number => {
    const ms = tryParseDuration(x);
    if (ms === undefined) {
      ctx.issues.push({ code: 'custom', message: durationError(x), input: x });
      return z.NEVER;
    }
    return ms;
  });
