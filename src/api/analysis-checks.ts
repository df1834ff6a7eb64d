/**
 * Cross-field rules of template and run specs: one supported provider per metric, unique
 * metric and argument names, dry-run and retention entries naming real metrics, limits that
 * are numbers (or `{{args.*}}` placeholders), and conditions that can fail.
 */
import type { DryRunSchema, MeasurementRetentionSchema } from './analysis-ref.js';
import type { Argument } from './analysis-template.js';
import type { FieldError } from './errors.js';
import { formatPath } from './errors.js';
import { intOrStringValue } from './kit.js';
import type { Authentication, Header, Metric } from './metric.js';
import { SUPPORTED_PROVIDERS, UNSUPPORTED_PROVIDERS } from './metric.js';
import type { z } from 'zod';

type Path = Array<string | number>;

/** The parts of a template or run spec these rules read. */
export interface AnalysisSpecLike {
  metrics: Metric[];
  args: Argument[];
  dryRun: Array<z.output<typeof DryRunSchema>>;
  measurementRetention: Array<z.output<typeof MeasurementRetentionSchema>>;
}

/** Every cross-field problem of a parsed template or run spec; [] when valid. */
export function checkAnalysisSpec(spec: AnalysisSpecLike): FieldError[] {
  const out: FieldError[] = [];
  const add = (path: Path, message: string): void => void out.push({ path: formatPath(path), message });
  const names = new Set<string>();
  const declared = new Set(spec.args.map((a) => a.name));
  spec.metrics.forEach((m, i) => {
    const mp: Path = ['spec', 'metrics', i];
    if (names.has(m.name)) add([...mp, 'name'], `must be unique, ${JSON.stringify(m.name)} is used by an earlier metric`);
    names.add(m.name);
    checkMetric(m, mp, add);
    const missing = [...new Set(argsUsed(m))].filter((a) => !declared.has(a));
    if (missing.length > 0) add(mp, `uses ${missing.map((a) => `{{args.${a}}}`).join(', ')} but spec.args does not declare ${missing.length === 1 ? 'it' : 'them'}: add ${missing.map((a) => `{name: ${a}}`).join(', ')} to spec.args`);
  });
  const argNames = new Set<string>();
  spec.args.forEach((a, i) => {
    const ap: Path = ['spec', 'args', i];
    if (argNames.has(a.name)) add([...ap, 'name'], `must be unique, ${JSON.stringify(a.name)} is given twice`);
    argNames.add(a.name);
    if (a.value !== undefined && a.valueFrom !== undefined) add(ap, `must set at most one of value and valueFrom, got both (arg ${JSON.stringify(a.name)})`);
    if (a.valueFrom) {
      const n = (a.valueFrom.secretKeyRef ? 1 : 0) + (a.valueFrom.fieldRef ? 1 : 0);
      if (n !== 1) add([...ap, 'valueFrom'], `must set exactly one of secretKeyRef and fieldRef, got ${n === 0 ? 'neither' : 'both'}`);
    }
  });
  const known = (n: string): boolean => n === '*' || names.has(n);
  spec.dryRun.forEach((d, i) => {
    if (!known(d.metricName)) add(['spec', 'dryRun', i, 'metricName'], `must name a metric of this spec or "*", got ${JSON.stringify(d.metricName)}`);
  });
  spec.measurementRetention.forEach((d, i) => {
    if (!known(d.metricName)) add(['spec', 'measurementRetention', i, 'metricName'], `must name a metric of this spec or "*", got ${JSON.stringify(d.metricName)}`);
  });
  return out;
}

type Add = (path: Path, message: string) => void;

function checkMetric(m: Metric, mp: Path, add: Add): void {
  const pp: Path = [...mp, 'provider'];
  for (const u of UNSUPPORTED_PROVIDERS) {
    if (m.provider[u] !== undefined) add([...pp, u], `is not supported by Sluice; use one of ${SUPPORTED_PROVIDERS.join(', ')}`);
  }
  const set = SUPPORTED_PROVIDERS.filter((k) => m.provider[k] !== undefined);
  if (set.length !== 1) add(pp, `must set exactly one of ${SUPPORTED_PROVIDERS.join(', ')}, got ${set.length === 0 ? 'none' : set.join(', ')}`);
  if (set.length > 0 && m.successCondition === '' && m.failureCondition === '') {
    add(mp, 'must set successCondition or failureCondition (without either, no measurement could fail)');
  }
  checkLimit(m.failureLimit, [...mp, 'failureLimit'], -1, add);
  checkLimit(m.inconclusiveLimit, [...mp, 'inconclusiveLimit'], 0, add);
  checkLimit(m.consecutiveErrorLimit, [...mp, 'consecutiveErrorLimit'], 0, add);
  checkLimit(m.consecutiveSuccessLimit, [...mp, 'consecutiveSuccessLimit'], 0, add);
  if (m.count !== undefined) {
    checkLimit(m.count, [...mp, 'count'], 0, add);
    const n = intOrStringValue(m.count);
    if (n !== undefined && n > 1 && m.interval === undefined) add([...mp, 'interval'], `is required when count is greater than 1 (count is ${n})`);
  }
  if (m.minSamples && !m.provider.prometheus) add([...mp, 'minSamples'], 'needs the prometheus provider (the query runs on the same Prometheus)');
  const prom = m.provider.prometheus;
  if (prom) {
    checkHeaders(prom.headers, [...pp, 'prometheus', 'headers'], add);
    checkAuth(prom.authentication, [...pp, 'prometheus', 'authentication'], add);
  }
  const web = m.provider.web;
  if (web) {
    const wp: Path = [...pp, 'web'];
    checkHeaders(web.headers, [...wp, 'headers'], add);
    checkAuth(web.authentication, [...wp, 'authentication'], add);
    if (web.body !== undefined && web.jsonBody !== undefined) add(wp, 'must set at most one of body and jsonBody, got both');
    if ((web.body !== undefined || web.jsonBody !== undefined) && web.method === 'GET') add([...wp, 'method'], 'must be POST or PUT when a body is set, got "GET"');
  }
}

const PLACEHOLDER = /\{\{.+\}\}/;
const ARG_REF = /\{\{\s*args\.([A-Za-z0-9_.-]+?)\s*\}\}/g;

/** Names of the arguments a metric refers to as `{{args.name}}`, in order of appearance. */
export function argsUsed(m: Metric): string[] {
  return [...JSON.stringify(m).matchAll(ARG_REF)].map((x) => x[1] ?? '');
}

function checkLimit(v: number | string, path: Path, min: number, add: Add): void {
  if (typeof v === 'string') {
    const n = intOrStringValue(v);
    if (n === undefined) {
      if (!PLACEHOLDER.test(v)) add(path, `must be an integer or an {{args.*}} placeholder, got ${JSON.stringify(v)}`);
      return;
    }
    v = n;
  }
  if (v < min) add(path, `must be >= ${min}, got ${v}`);
}

function checkHeaders(headers: Header[], path: Path, add: Add): void {
  headers.forEach((h, i) => {
    const n = (h.value !== undefined ? 1 : 0) + (h.valueFrom !== undefined ? 1 : 0);
    if (n !== 1) add([...path, i], `must set exactly one of value and valueFrom, got ${n === 0 ? 'neither' : 'both'} (header ${JSON.stringify(h.key)})`);
  });
}

function checkAuth(a: Authentication, path: Path, add: Add): void {
  const set = (['sigv4', 'oauth2', 'bearerToken', 'basicAuth'] as const).filter((k) => a[k] !== undefined);
  if (set.length > 1) add(path, `must set at most one of sigv4, oauth2, bearerToken, basicAuth, got ${set.join(', ')}`);
  const b = a.basicAuth;
  if (b) {
    const n = (b.username !== undefined ? 1 : 0) + (b.usernameSecretKeyRef !== undefined ? 1 : 0);
    if (n !== 1) add([...path, 'basicAuth'], `must set exactly one of username and usernameSecretKeyRef, got ${n === 0 ? 'neither' : 'both'}`);
  }
}
