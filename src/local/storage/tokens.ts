/** resourceVersion parsing and list continue tokens. */
import { badRequest } from '../errors.js';

/** Parses a resourceVersion query value; undefined when absent. 400 when not a number. */
export function parseResourceVersion(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`Invalid value: ${JSON.stringify(v)}: resourceVersion: Invalid value: ${JSON.stringify(v)}: strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** Encodes a continue token (same shape as the real server's: base64 JSON). */
export function continueToken(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

/** Decodes a continue token; 400 when malformed. */
export function parseContinue(token: string): { rv: number; start: string } {
  try {
    const o = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: unknown; start?: unknown };
    if (o.v === 'meta.k8s.io/v1' && typeof o.rv === 'number' && typeof o.start === 'string') return { rv: o.rv, start: o.start };
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
