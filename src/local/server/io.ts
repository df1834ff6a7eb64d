/** Reading request bodies and writing JSON / Status answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { badRequest, internalErrorBody, statusBody } from '../errors.js';
import { ApiError } from '../types.js';
import { decodeKubeProtobuf } from './protobuf.js';

/** Largest accepted body (the real server's limit is 3 MiB for most writes). */
const MAX_BODY = 3 * 1024 * 1024;

/** Reads the whole body as text (protobuf bodies of supported kinds become JSON text). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const raw = await readRaw(req);
  if (String(req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf')) {
    return JSON.stringify(decodeKubeProtobuf(raw));
  }
  return raw.toString('utf8');
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body (400 on malformed JSON, as the server's decoder answers). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`error decoding from json: ${(err as Error).message}`);
  }
}

/** Parses a YAML-or-JSON body (server-side apply). */
export function parseYaml(text: string): unknown {
  try {
    return YAML.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** Writes the Status answer for any error. */
export function sendError(res: ServerResponse, err: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = err instanceof ApiError ? statusBody(err) : internalErrorBody(err instanceof Error ? err.message : String(err));
  const code = err instanceof ApiError ? err.code : 500;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, code, body);
}
