/**
 * Analysis: conditions, the measurement judge, args substitution, metric providers and the
 * AnalysisRun controller ({@link analysisRunController}). Phases and the stored measurement
 * shape are the API's (`AnalysisPhase`, `Measurement` in `src/api`); providers return a
 * {@link ProviderMeasurement}. The reconciler calls, per measurement:
 *
 * 1. `resolveArgs(template.args, resolver, signal)` then `substituteArgs(metric, args.values)`;
 * 2. `providerFor(metric, registry)` then `provider.measure(metric, { now, secrets, logger }, signal)`.
 */
export * from './conditions/index.js';
export { judge, compileConditions, JudgeMessage, type JudgeInput, type TrafficSample, type Verdict } from './judge.js';
export {
  resolveArgs,
  substituteArgs,
  substituteString,
  secretValues,
  UnresolvedArgError,
  type ArgumentSpec,
  type ArgValueResolver,
  type ResolvedArgs,
} from './args.js';
export * from './types.js';
export * from './providers/index.js';
export { analysisRunController, type AnalysisControllerOptions } from './reconciler/index.js';
