/** The AnalysisRun reconciler: schedule, measure, judge, persist. */
export { analysisRunController, type AnalysisControllerOptions } from './controller.js';
export { prepareRun, InputError, type PreparedRun, type PreparedMetric, type SecretReader } from './prepare.js';
export * from './schedule.js';
