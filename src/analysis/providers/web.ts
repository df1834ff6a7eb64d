/**
 * The web provider: an HTTP GET, POST or PUT whose JSON answer (or the part `jsonPath` selects)
 * becomes the condition's `result`, as Argo Rollouts' web metric does.
 *
 * - `body` (a string) or `jsonBody` (any JSON, sent with `Content-Type: application/json`), not
 *   both, and neither with GET.
 * - Non-2xx: Error `web GET http://svc/check: HTTP 503: {"status":"down"}` (a body snippet).
 * - A body that is not JSON, or a path that matches nothing: Error, never a pass.
 * - The stored value is the selected JSON (strings unquoted, as Argo stores them).
 */
import axios from 'axios';
import type { Logger } from 'pino';
import { judge } from '../judge.js';
import { AnalysisPhase } from '../../api/index.js';
import type { Credentials, MeasureContext, ProviderMeasurement as Measurement, MetricProvider, MetricSpec, WebSpec } from '../types.js';
import { agentsFor, buildHeaders, checkUrl, MAX_BODY_BYTES, redact, rethrowIfAborted, seconds, secretsOf, snippet, transportMessage } from './http.js';
import { selectJsonPath } from './jsonpath.js';

const DEFAULT_TIMEOUT_SECONDS = 10;
const METHODS = ['GET', 'POST', 'PUT'] as const;

/** Options for {@link WebProvider}. */
export interface WebProviderOptions {
  readonly logger?: Logger;
}

interface Request {
  readonly url: URL;
  readonly method: (typeof METHODS)[number];
  readonly headers: Record<string, string>;
  readonly data?: string;
  readonly timeout: number;
}

function buildRequest(spec: WebSpec, credentials: Credentials | undefined): Request {
  const url = checkUrl(spec.url, 'provider.web.url');
  const method = (spec.method ?? 'GET').toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) throw new Error(`provider.web.method must be GET, POST or PUT, got ${JSON.stringify(spec.method)}`);
  const hasBody = spec.body !== undefined && spec.body !== '';
  const hasJson = spec.jsonBody !== undefined && spec.jsonBody !== null;
  if (hasBody && hasJson) throw new Error('provider.web: set body or jsonBody, not both');
  if (method === 'GET' && (hasBody || hasJson)) throw new Error('provider.web: a GET request cannot have a body');
  const headers = buildHeaders(spec.headers, credentials, 'provider.web.headers');
  let data: string | undefined;
  if (hasJson) {
    data = JSON.stringify(spec.jsonBody);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  } else if (hasBody) {
    data = spec.body;
  }
  const timeout = seconds(spec.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS, 'provider.web.timeoutSeconds');
  return { url, method: method as Request['method'], headers, timeout, ...(data !== undefined ? { data } : {}) };
}

function stored(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? 'null';
}

/** Calls a web endpoint; see the module comment. */
export class WebProvider implements MetricProvider {
  readonly type = 'web';

  constructor(private readonly options: WebProviderOptions = {}) {}

  async measure(metric: MetricSpec, context: MeasureContext, signal: AbortSignal): Promise<Measurement> {
    const ctx: MeasureContext = { ...context, secrets: secretsOf(context.secrets, context.credentials) };
    const log = ctx.logger ?? this.options.logger;
    const error = (message: string): Measurement => ({ phase: AnalysisPhase.Error, message: redact(message, ctx.secrets) });
    const spec = metric.provider.web;
    if (!spec) return error(`metric ${metric.name} has no provider.web`);
    let req: Request;
    try {
      req = buildRequest(spec, ctx.credentials);
    } catch (e) {
      return error((e as Error).message);
    }
    const what = `web ${req.method} ${req.url.origin}${req.url.pathname}`;
    let res;
    try {
      res = await axios.request<string>({
        url: req.url.href,
        method: req.method,
        headers: req.headers,
        data: req.data,
        signal,
        timeout: req.timeout * 1000,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        maxContentLength: MAX_BODY_BYTES,
        maxRedirects: 3,
        ...agentsFor(spec.insecure),
      });
    } catch (e) {
      rethrowIfAborted(signal);
      return error(transportMessage(e, `web ${req.method}`, `${req.url.origin}${req.url.pathname}`, req.timeout) ?? `${what}: ${(e as Error).message}`);
    }
    const text = String(res.data ?? '');
    if (res.status < 200 || res.status >= 300) return error(`${what}: HTTP ${res.status}: ${snippet(text)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return error(`${what}: response is not JSON: ${snippet(text, 120)}`);
    }
    let value: unknown = body;
    if (spec.jsonPath) {
      try {
        const sel = selectJsonPath(body, spec.jsonPath);
        if (!sel.found) return error(`${what}: jsonPath ${spec.jsonPath} matched nothing in the response: ${snippet(text, 120)}`);
        value = sel.value;
      } catch (e) {
        return error(`${what}: ${(e as Error).message}`);
      }
    }
    const verdict = judge({ conditions: metric, result: value });
    log?.debug({ metric: metric.name, phase: verdict.phase }, 'web measurement');
    return {
      phase: verdict.phase,
      value: redact(stored(value), ctx.secrets),
      ...(verdict.message ? { message: redact(verdict.message, ctx.secrets) } : {}),
    };
  }
}
