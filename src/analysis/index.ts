/**
 * Analysis: conditions, the measurement judge, args substitution and metric providers. The
 * AnalysisRun reconciler (later) calls, per measurement:
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
