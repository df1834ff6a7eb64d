/**
 * What the HTTP providers share: TLS agents, header building, secret masking, transport-error
 * messages and body snippets. Credentials never reach a log line or a message.
 */
import http from 'node:http';
import https from 'node:https';
import { isAxiosError, type AxiosError } from 'axios';
import type { Credentials, HeaderSpec } from '../types.js';

/** Keep-alive agents: one verifying TLS, one not (`insecure: true`). */
export const AGENTS = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
  httpsInsecure: new https.Agent({ keepAlive: true, maxSockets: 32, rejectUnauthorized: false }),
} as const;

/** The largest response body read (bytes); bigger answers are an error, not a memory spike. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Replaces every secret value in `text` by `***`. Values shorter than 3 characters are kept. */
export function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** Masks secrets in every value of a metadata map. */
export function redactAll(meta: Record<string, string>, secrets: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) out[k] = redact(v, secrets);
  return out;
}

/** The first `max` characters of a body, on one line. */
export function snippet(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** Parses a seconds value that may be a number or a numeric string; `fallback` when absent. */
export function seconds(v: number | string | undefined, fallback: number, field: string): number {
  if (v === undefined || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${field} must be a non-negative number of seconds, got ${JSON.stringify(v)}`);
  return n === 0 ? fallback : n;
}

/** Validates an http(s) URL; returns it or throws with a clear message. */
export function checkUrl(raw: string, field: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`${field} is not a URL: ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${field} must be http or https: ${JSON.stringify(raw)}`);
  return u;
}

/**
 * Request headers from the metric's `headers` and the resolved credentials. Throws when a
 * header has no value (a Secret-backed value the caller did not resolve).
 */
export function buildHeaders(specs: readonly HeaderSpec[] | undefined, credentials: Credentials | undefined, field: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  for (const h of specs ?? []) {
    if (h.value === undefined) throw new Error(`${field}: header ${h.key} has no value (its Secret was not resolved)`);
    headers[h.key] = h.value;
  }
  if (credentials?.bearerToken) headers['Authorization'] = `Bearer ${credentials.bearerToken}`;
  if (credentials?.basicAuth) {
    const { username, password } = credentials.basicAuth;
    headers['Authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return headers;
}

/** Secrets to mask: the caller's list plus the credentials themselves. */
export function secretsOf(secrets: readonly string[] | undefined, credentials: Credentials | undefined): string[] {
  const out = [...(secrets ?? [])];
  if (credentials?.bearerToken) out.push(credentials.bearerToken);
  if (credentials?.basicAuth) out.push(credentials.basicAuth.password);
  return out;
}

/** The agent for a URL and the `insecure` flag. */
export function agentsFor(insecure: boolean | undefined): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  return { httpAgent: AGENTS.http, httpsAgent: insecure ? AGENTS.httpsInsecure : AGENTS.https };
}

/**
 * The message for a request that got no HTTP response: refused, unresolvable host, reset,
 * TLS failure, timeout. `who` is e.g. `prometheus` and `target` the URL's origin.
 * Returns undefined for errors that are not transport errors.
 */
export function transportMessage(e: unknown, who: string, target: string, timeoutSeconds: number): string | undefined {
  if (!isAxiosError(e) || e.response) return undefined;
  const err = e as AxiosError;
  const code = err.code ?? '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(err.message)) {
    return `${who} request to ${target} timed out after ${timeoutSeconds}s`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${who} unreachable: cannot resolve host of ${target} (${code})`;
  if (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || /maxContentLength/.test(err.message)) {
    return `${who} response from ${target} is larger than ${MAX_BODY_BYTES} bytes`;
  }
  const cause = (err.cause as { code?: string; message?: string } | undefined) ?? {};
  const detail = code || cause.code || err.message || cause.message || 'request failed';
  return `${who} unreachable at ${target}: ${detail}`;
}

/** Throws the abort reason when `signal` has aborted (shutdown must not become a measurement). */
export function rethrowIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new Error('aborted');
}
