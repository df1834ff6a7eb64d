/**
 * The measurement judge: turns a provider's value and the metric's conditions into a phase.
 *
 * Argo Rollouts' rules, which Sluice keeps:
 *
 * | successCondition | failureCondition | outcome                                           |
 * |------------------|------------------|---------------------------------------------------|
 * | -                | -                | Successful (nothing to check)                     |
 * | met / not met    | -                | Successful / Failed                               |
 * | -                | met / not met    | Failed / Successful                               |
 * | met              | not met          | Successful                                        |
 * | any              | met              | Failed (failure wins)                             |
 * | not met          | not met          | Inconclusive                                      |
 * | evaluation error | -                | Error                                             |
 *
 * Sluice's missing-data rules, applied around them (first match wins):
 *
 * 1. traffic guard below `min`            -> Inconclusive `not enough traffic: 12 requests < 100`
 * 2. a condition does not parse           -> Error `successCondition: unexpected ')' at column 14, ...`
 * 3. no data (empty vector or matrix)     -> Error `query returned no data`
 * 4. failureCondition met                 -> Failed, even if the other condition errored
 * 5. a condition compared NaN             -> Inconclusive `successCondition: result[0] is NaN ...`
 * 6. any other evaluation error           -> Error `successCondition: index 0 out of range ...`
 * 7. a pass that consumed NaN or ±Inf      -> Inconclusive `... missing data never passes`
 *    (so `isNaN(result[0]) || result[0] < 0.01` cannot promote on NaN, nor `x >= 0.95` on +Inf)
 *
 * Worked example: `successCondition: result[0] < 0.05`, value `[NaN]` (0/0: no requests in the
 * rate window) -> rule 5 -> Inconclusive, the rollout pauses instead of promoting or aborting.
 */
import {
  compileCondition,
  ConditionEvaluationError,
  ConditionSyntaxError,
  EvalErrorCode,
  evaluateCondition,
  type CompiledCondition,
  type EvalOutcome,
} from './conditions/index.js';
import { AnalysisPhase } from '../api/index.js';
import type { ConditionsSpec, MeasurementPhase } from './types.js';

/** The traffic guard's reading for one measurement. */
export interface TrafficSample {
  /** Samples seen in the window (NaN counts as none). */
  readonly count: number;
  readonly min: number;
  /** The unit shown in the message; default `requests`. */
  readonly unit?: string;
}

/** What the judge needs. */
export interface JudgeInput {
  readonly conditions: ConditionsSpec;
  /** The condition's `result` variable. */
  readonly result: unknown;
  /** True when the provider returned no data at all (empty vector or matrix). */
  readonly empty?: boolean;
  /** Set when the metric has a `minSamples` guard. */
  readonly traffic?: TrafficSample;
}

/** The judge's answer. */
export interface Verdict {
  readonly phase: MeasurementPhase;
  readonly message?: string;
}

/** Stable message prefixes, for people and tests. */
export const JudgeMessage = {
  NoData: 'query returned no data',
  NotEnoughTraffic: 'not enough traffic',
  MissingDataNeverPasses: 'missing data never passes',
} as const;

type Field = 'successCondition' | 'failureCondition';

/** Parses both conditions; the first syntax error is returned with its field name. */
export function compileConditions(
  spec: ConditionsSpec,
): { success?: CompiledCondition; failure?: CompiledCondition } | { error: string } {
  const out: { success?: CompiledCondition; failure?: CompiledCondition } = {};
  for (const [field, key] of [['successCondition', 'success'], ['failureCondition', 'failure']] as const) {
    const text = spec[field];
    if (text === undefined || text.trim() === '') continue;
    const c = compileCondition(text);
    if (c instanceof ConditionSyntaxError) return { error: `${field}: ${c.message}` };
    out[key] = c;
  }
  return out;
}

function formatCount(n: number): string {
  return String(Math.floor(n));
}

/** Judges one measurement; see the module comment for the rules and their order. */
export function judge(input: JudgeInput): Verdict {
  const t = input.traffic;
  if (t) {
    const count = Number.isFinite(t.count) ? t.count : 0;
    if (count < t.min) {
      return {
        phase: AnalysisPhase.Inconclusive,
        message: `${JudgeMessage.NotEnoughTraffic}: ${formatCount(count)} ${t.unit ?? 'requests'} < ${t.min}`,
      };
    }
  }
  const compiled = compileConditions(input.conditions);
  if ('error' in compiled) return { phase: AnalysisPhase.Error, message: compiled.error };
  if (input.empty) return { phase: AnalysisPhase.Error, message: JudgeMessage.NoData };
  const { success, failure } = compiled;
  if (!success && !failure) return { phase: AnalysisPhase.Successful };

  const env = { result: input.result };
  const s = success ? evaluateCondition(success, env) : undefined;
  const f = failure ? evaluateCondition(failure, env) : undefined;

  if (f && !(f instanceof ConditionEvaluationError) && f.value) {
    return { phase: AnalysisPhase.Failed, message: `failureCondition met: ${failure?.source.trim()}` };
  }
  for (const [field, out] of [['successCondition', s], ['failureCondition', f]] as const) {
    if (out instanceof ConditionEvaluationError) return errorVerdict(field, out);
  }
  const sv = s as EvalOutcome<boolean> | undefined;
  const fv = f as EvalOutcome<boolean> | undefined;
  const passed = sv ? sv.value : !fv?.value;
  if (sv && !sv.value && fv) {
    return { phase: AnalysisPhase.Inconclusive, message: 'neither successCondition nor failureCondition met' };
  }
  if (!passed) return { phase: AnalysisPhase.Failed, message: `successCondition not met: ${success?.source.trim()}` };
  if (sv?.touchedNonFinite || fv?.touchedNonFinite) {
    const field: Field = sv?.touchedNonFinite ? 'successCondition' : 'failureCondition';
    return {
      phase: AnalysisPhase.Inconclusive,
      message: `${field} passed on NaN or Inf data: ${JudgeMessage.MissingDataNeverPasses}`,
    };
  }
  return { phase: AnalysisPhase.Successful };
}

function errorVerdict(field: Field, e: ConditionEvaluationError): Verdict {
  if (e.code === EvalErrorCode.NaNComparison) {
    return {
      phase: AnalysisPhase.Inconclusive,
      message: `${field}: ${e.message} (no data in the window?); ${JudgeMessage.MissingDataNeverPasses}`,
    };
  }
  return { phase: AnalysisPhase.Error, message: `${field}: ${e.message}` };
}
