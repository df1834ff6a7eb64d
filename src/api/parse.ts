/**
 * The parse functions: the edge where untyped objects from the API or a manifest become typed
 * values with every default filled in, or a list of field errors. They never mutate their input.
 */
import type { z } from 'zod';
import { checkAnalysisSpec } from './analysis-checks.js';
import { AnalysisRunSchema } from './analysis-run.js';
import type { AnalysisRun } from './analysis-run.js';
import { AnalysisTemplateSchema, ClusterAnalysisTemplateSchema } from './analysis-template.js';
import type { AnalysisTemplate, ClusterAnalysisTemplate } from './analysis-template.js';
import { errorMap, issuesToFieldErrors } from './errors.js';
import type { FieldError, ParseResult } from './errors.js';
import { API_VERSION, ARGO_API_VERSION, Kind } from './group.js';
import { checkRolloutSpec } from './rollout-checks.js';
import { RolloutSchema } from './rollout.js';
import type { Rollout } from './rollout.js';
import { normalizeTrafficRouting } from './traffic.js';
import { formatPath } from './errors.js';

function checkTypeMeta(obj: unknown, kind: Kind): FieldError[] {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return [{ path: '', message: `a ${kind} must be an object, got ${Array.isArray(obj) ? 'a list' : String(obj === null ? 'null' : typeof obj)}` }];
  }
  const o = obj as Record<string, unknown>;
  const errors: FieldError[] = [];
  // List items from the API may lack apiVersion and kind; when present they must be ours.
  if (o['apiVersion'] !== undefined && o['apiVersion'] !== API_VERSION) {
    const hint = o['apiVersion'] === ARGO_API_VERSION ? ` (to migrate from Argo Rollouts, change apiVersion to ${API_VERSION})` : '';
    errors.push({ path: 'apiVersion', message: `must be ${API_VERSION}, got ${JSON.stringify(o['apiVersion'])}${hint}` });
  }
  if (o['kind'] !== undefined && o['kind'] !== kind) errors.push({ path: 'kind', message: `must be ${kind}, got ${JSON.stringify(o['kind'])}` });
  return errors;
}

function parseWith<S extends z.ZodType>(schema: S, obj: unknown, kind: Kind, check: (v: z.output<S>) => FieldError[]): ParseResult<z.output<S>> {
  const head = checkTypeMeta(obj, kind);
  if (head.length > 0 && head[0]?.path === '') return { ok: false, errors: head };
  const r = schema.safeParse(obj, { error: errorMap, reportInput: true });
  if (!r.success) return { ok: false, errors: [...head, ...issuesToFieldErrors(r.error.issues)] };
  const errors = [...head, ...check(r.data)];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: r.data };
}

/**
 * Parses a Rollout: schema, defaults (replicas 1, revisionHistoryLimit 10, ...), then the
 * cross-field rules. An `argoproj-labs/gatewayAPI` plugin config is read as `gatewayAPI`.
 *
 * @example
 * const r = parseRollout(obj);
 * if (!r.ok) return invalidSpec(r.errors.map(formatFieldError));
 */
export function parseRollout(obj: unknown): ParseResult<Rollout> {
  return parseWith(RolloutSchema, obj, Kind.Rollout, (ro) => {
    const errors: FieldError[] = [];
    const tr = ro.spec.strategy.canary?.trafficRouting;
    if (tr && ro.spec.strategy.canary) {
      const n = normalizeTrafficRouting(tr);
      for (const e of n.errors) errors.push({ path: formatPath(['spec', 'strategy', 'canary', 'trafficRouting', ...e.path]), message: e.message });
      ro.spec.strategy.canary.trafficRouting = n.value;
    }
    return [...errors, ...checkRolloutSpec(ro.spec)];
  });
}

/** Parses an AnalysisTemplate: schema, defaults (failureLimit 0, consecutiveErrorLimit 4, ...), cross-field rules. */
export function parseAnalysisTemplate(obj: unknown): ParseResult<AnalysisTemplate> {
  return parseWith(AnalysisTemplateSchema, obj, Kind.AnalysisTemplate, (t) => checkAnalysisSpec(t.spec));
}

/** Parses a ClusterAnalysisTemplate (same rules as an AnalysisTemplate). */
export function parseClusterAnalysisTemplate(obj: unknown): ParseResult<ClusterAnalysisTemplate> {
  return parseWith(ClusterAnalysisTemplateSchema, obj, Kind.ClusterAnalysisTemplate, (t) => checkAnalysisSpec(t.spec));
}

/** Parses an AnalysisRun: the spec strictly (like a template), the status leniently. */
export function parseAnalysisRun(obj: unknown): ParseResult<AnalysisRun> {
  return parseWith(AnalysisRunSchema, obj, Kind.AnalysisRun, (r) => checkAnalysisSpec(r.spec));
}
