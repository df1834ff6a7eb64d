/** RFC 6902 JSON Patch (add, remove, replace, move, copy, test) on a deep copy. */
import { ApiError } from '../types.js';
import { clone, deepEqual, isObject } from '../storage/json.js';

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function unescape(tok: string): string {
  return tok.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parse(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw fail(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path.slice(1).split('/').map(unescape);
}

function fail(msg: string): ApiError {
  return new ApiError(422, 'Invalid', msg);
}

function parentOf(doc: unknown, toks: string[], path: string): { parent: unknown; key: string } {
  let cur = doc;
  for (const t of toks.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw fail(`doc is missing path: "${path}": missing value`);
  }
  return { parent: cur, key: toks[toks.length - 1] ?? '' };
}

function read(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of parse(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw fail(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function index(arr: unknown[], key: string, path: string, adding: boolean): number {
  if (adding && key === '-') return arr.length;
  if (!/^\d+$/.test(key)) throw fail(`invalid array index ${JSON.stringify(key)} in "${path}"`);
  const i = Number(key);
  if (i > arr.length || (!adding && i >= arr.length)) throw fail(`Unable to access invalid index: ${i}: invalid index referenced`);
  return i;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const toks = parse(path);
  if (!toks.length) return value;
  const { parent, key } = parentOf(doc, toks, path);
  if (Array.isArray(parent)) parent.splice(index(parent, key, path, true), 0, value);
  else if (isObject(parent)) parent[key] = value;
  else throw fail(`doc is missing path: "${path}": missing value`);
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const toks = parse(path);
  const { parent, key } = parentOf(doc, toks, path);
  if (Array.isArray(parent)) parent.splice(index(parent, key, path, false), 1);
  else if (isObject(parent) && key in parent) delete parent[key];
  else throw fail(`Unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

/** Applies a JSON Patch document to a copy of `target`; 422 when an operation fails. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const raw of patch) {
    const op = raw as Op;
    if (!isObject(raw) || typeof op.path !== 'string') throw fail('Unexpected kind: operation has no path');
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, clone(op.value));
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace':
        read(doc, op.path);
        doc = add(remove(doc, op.path), op.path, clone(op.value));
        break;
      case 'move': {
        const v = read(doc, op.from ?? '');
        doc = add(remove(doc, op.from ?? ''), op.path, v);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, clone(read(doc, op.from ?? '')));
        break;
      case 'test':
        if (!deepEqual(read(doc, op.path), op.value)) throw fail(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw fail(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}
