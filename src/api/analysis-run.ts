/**
 * AnalysisRun: one execution of one or more templates with resolved arguments. The spec is
 * validated like a template's; the status is our own memory and is read leniently.
 */
import { z } from 'zod';
import { DryRunSchema, MeasurementRetentionSchema } from './analysis-ref.js';
import { ArgumentSchema } from './analysis-template.js';
import { AnalysisPhase } from './constants.js';
import { larray, lbool, lint, lmap, lobj, lopt, lstr } from './kit.js';
import { ObjectMetaSchema } from './meta.js';
import { MetricSchema } from './metric.js';

const PHASES = Object.values(AnalysisPhase) as [AnalysisPhase, ...AnalysisPhase[]];
const phase = () => z.enum(PHASES).catch(AnalysisPhase.Pending);

/** `spec` of an AnalysisRun. `terminate: true` asks the controller to stop it early. */
export const AnalysisRunSpecSchema = z.object({
  metrics: z.array(MetricSchema).min(1),
  args: z.array(ArgumentSchema).default(() => []),
  terminate: z.boolean().default(false),
  dryRun: z.array(DryRunSchema).default(() => []),
  measurementRetention: z.array(MeasurementRetentionSchema).default(() => []),
});
/** A parsed AnalysisRun spec. */
export type AnalysisRunSpec = z.output<typeof AnalysisRunSpecSchema>;

/** One measurement of one metric. Times are RFC 3339 strings. */
export const MeasurementSchema = z.object({
  phase: phase(),
  value: lstr(),
  startedAt: lopt(z.string()),
  finishedAt: lopt(z.string()),
  resumeAt: lopt(z.string()),
  message: lstr(),
  metadata: lmap(),
});
/** A parsed measurement. */
export type Measurement = z.output<typeof MeasurementSchema>;

/** The running verdict and counters of one metric. */
export const MetricResultSchema = z.object({
  name: z.string().min(1),
  phase: phase(),
  measurements: larray(MeasurementSchema),
  count: lint(),
  successful: lint(),
  failed: lint(),
  inconclusive: lint(),
  error: lint(),
  consecutiveError: lint(),
  consecutiveSuccess: lint(),
  message: lstr(),
  dryRun: lbool(),
  metadata: lmap(),
});
/** A parsed metric result. */
export type MetricResult = z.output<typeof MetricResultSchema>;

/** Totals over metrics. */
export const RunSummarySchema = lobj({ count: lint(), successful: lint(), failed: lint(), inconclusive: lint(), error: lint() });
/** A parsed run summary. */
export type RunSummary = z.output<typeof RunSummarySchema>;

/** `status` of an AnalysisRun; Pending until the controller first writes it. */
export const AnalysisRunStatusSchema = lobj({
  phase: phase(),
  message: lstr(),
  startedAt: lopt(z.string()),
  metricResults: larray(MetricResultSchema),
  runSummary: RunSummarySchema,
  dryRunSummary: RunSummarySchema,
});
/** A parsed AnalysisRun status. */
export type AnalysisRunStatus = z.output<typeof AnalysisRunStatusSchema>;

/** An AnalysisRun. */
export const AnalysisRunSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: ObjectMetaSchema,
  spec: AnalysisRunSpecSchema,
  status: AnalysisRunStatusSchema,
});
/** A parsed AnalysisRun: for reading. */
export type AnalysisRun = z.output<typeof AnalysisRunSchema>;
/** An AnalysisRun as written (before defaults). */
export type AnalysisRunManifest = z.input<typeof AnalysisRunSchema>;

/** Reads an AnalysisRun status; never fails. */
export function parseAnalysisRunStatus(x: unknown): AnalysisRunStatus {
  return AnalysisRunStatusSchema.parse(x);
}
