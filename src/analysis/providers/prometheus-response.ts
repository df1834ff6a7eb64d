/**
 * Decoding Prometheus' HTTP API answers (`/api/v1/query`, `/api/v1/query_range`) into what a
 * condition sees as `result`, and the value string Argo Rollouts stores:
 *
 * | resultType | `result` in a condition                  | stored value     |
 * |------------|------------------------------------------|------------------|
 * | vector     | array of sample values (`result[0]`)     | `[0.01,0.02]`    |
 * | scalar     | the number                               | `0.01`           |
 * | matrix     | all sample values of all series, flat, in | `[1,2,3]`        |
 * |            | series then time order (`all(result, # < 1000)`, as Argo documents) |  |
 * | string     | the string                               | the string       |
 *
 * Sample values arrive as strings; `"NaN"`, `"+Inf"` and `"-Inf"` become NaN and ±Infinity.
 */
import { formatNumber, parseFloatStrict } from '../conditions/index.js';

/** A decoded successful answer. */
export interface PromResult {
  readonly resultType: 'vector' | 'scalar' | 'matrix' | 'string';
  /** The condition's `result`. */
  readonly result: number | string | number[];
  /** The stored measurement value. */
  readonly value: string;
  /** True for a vector or matrix without a single sample. */
  readonly empty: boolean;
  readonly warnings: readonly string[];
}

/** A Prometheus error answer, or a body that is not one of its answers. */
export class PromApiError extends Error {
  override readonly name = 'PromApiError';
  constructor(
    message: string,
    /** Prometheus' `errorType` (bad_data, execution, timeout, ...), or undefined. */
    readonly errorType: string | undefined,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sampleValue(pair: unknown, where: string): number {
  if (!Array.isArray(pair) || pair.length < 2 || typeof pair[1] !== 'string') {
    throw new Error(`malformed sample in ${where}: ${JSON.stringify(pair)?.slice(0, 80)}`);
  }
  const v = parseFloatStrict(pair[1]);
  if (v === undefined) throw new Error(`malformed sample value ${JSON.stringify(pair[1])} in ${where}`);
  return v;
}

function vectorValues(result: unknown[]): number[] {
  return result.map((s, i) => {
    if (isObject(s) && 'histogram' in s && !('value' in s)) {
      throw new Error('native histogram samples are not supported; wrap the query in histogram_quantile() or histogram_count()');
    }
    return sampleValue(isObject(s) ? s['value'] : undefined, `vector element ${i}`);
  });
}

function matrixValues(result: unknown[]): number[] {
  const out: number[] = [];
  result.forEach((series, i) => {
    const values = isObject(series) ? series['values'] : undefined;
    if (!Array.isArray(values)) throw new Error(`malformed matrix series ${i}`);
    for (const pair of values) out.push(sampleValue(pair, `matrix series ${i}`));
  });
  return out;
}

/** Renders numbers as Argo stores a vector: `[0.01,NaN,+Inf]`. */
export function formatVector(values: readonly number[]): string {
  return `[${values.map(formatNumber).join(',')}]`;
}

/**
 * Decodes a parsed JSON body. Throws {@link PromApiError} for an error answer and plain Error
 * for a body that is not a Prometheus answer.
 */
export function decodePromBody(body: unknown, httpStatus: number): PromResult {
  if (!isObject(body)) throw new PromApiError(`prometheus returned a non-object body (HTTP ${httpStatus})`, undefined, httpStatus);
  if (body['status'] === 'error') {
    const type = typeof body['errorType'] === 'string' ? body['errorType'] : 'error';
    const text = typeof body['error'] === 'string' ? body['error'] : 'unknown error';
    throw new PromApiError(`prometheus ${type} (HTTP ${httpStatus}): ${text}`, type, httpStatus);
  }
  const data = body['data'];
  if (body['status'] !== 'success' || !isObject(data)) {
    throw new PromApiError(`prometheus returned an unexpected body (HTTP ${httpStatus})`, undefined, httpStatus);
  }
  const warnings = Array.isArray(body['warnings']) ? body['warnings'].filter((w): w is string => typeof w === 'string') : [];
  const type = data['resultType'];
  const result = data['result'];
  switch (type) {
    case 'vector': {
      const values = vectorValues(Array.isArray(result) ? result : []);
      return { resultType: type, result: values, value: formatVector(values), empty: values.length === 0, warnings };
    }
    case 'matrix': {
      const values = matrixValues(Array.isArray(result) ? result : []);
      return { resultType: type, result: values, value: formatVector(values), empty: values.length === 0, warnings };
    }
    case 'scalar': {
      const v = sampleValue(result, 'scalar');
      return { resultType: type, result: v, value: formatNumber(v), empty: false, warnings };
    }
    case 'string': {
      const s = Array.isArray(result) && typeof result[1] === 'string' ? result[1] : '';
      return { resultType: type, result: s, value: s, empty: false, warnings };
    }
    default:
      throw new Error(`prometheus result type ${JSON.stringify(type)} is not supported`);
  }
}

/**
 * The traffic guard's count from its decoded answer: a scalar, or the sum of a vector's or a
 * matrix's samples. No data counts as 0, and so does NaN.
 */
export function guardCount(r: PromResult): number {
  const xs = typeof r.result === 'number' ? [r.result] : Array.isArray(r.result) ? r.result : [];
  const total = xs.reduce((s, x) => s + (Number.isNaN(x) ? 0 : x), 0);
  return total;
}
