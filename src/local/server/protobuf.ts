/**
 * Decoding of the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) for
 * the few kinds kubectl's typed clients send as request bodies in everyday use:
 * `kubectl create namespace | configmap | secret | serviceaccount`. Field numbers follow
 * k8s.io/api/core/v1/generated.proto and apimachinery's meta/v1 and runtime protos. Other kinds
 * answer 415 (see http.ts). Answers are always JSON, which every client accepts.
 */
import { ApiError, type KubeObject } from '../types.js';

type FieldType = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'smap' | 'bmap' | 'strings' | { msg: Schema; repeated?: boolean };
type Schema = Record<number, [string, FieldType]>;

const OWNER_REF: Schema = { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };
const OBJECT_META: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'],
  11: ['labels', 'smap'],
  12: ['annotations', 'smap'],
  13: ['ownerReferences', { msg: OWNER_REF, repeated: true }],
  14: ['finalizers', 'strings'],
};
const META: [string, FieldType] = ['metadata', { msg: OBJECT_META }];
const NAME_REF: Schema = { 1: ['name', 'string'] };

const KINDS: Record<string, Schema> = {
  ConfigMap: { 1: META, 2: ['data', 'smap'], 3: ['binaryData', 'bmap'], 4: ['immutable', 'bool'] },
  Secret: { 1: META, 2: ['data', 'bmap'], 3: ['type', 'string'], 4: ['stringData', 'smap'], 5: ['immutable', 'bool'] },
  Namespace: { 1: META, 2: ['spec', { msg: { 1: ['finalizers', 'strings'] } }], 3: ['status', { msg: { 1: ['phase', 'string'] } }] },
  ServiceAccount: { 1: META, 3: ['imagePullSecrets', { msg: NAME_REF, repeated: true }], 4: ['automountServiceAccountToken', 'bool'] },
};

const UNKNOWN: Schema = { 1: ['typeMeta', { msg: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] } }], 2: ['raw', 'bytes'] };

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw bad('truncated varint');
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
  }
  bytes(): Buffer {
    const n = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw bad(`unsupported wire type ${wire}`);
  }
}

function bad(msg: string): ApiError {
  return new ApiError(400, 'BadRequest', `error decoding protobuf body: ${msg}`);
}

function mapEntry(buf: Buffer, asBytes: boolean): [string, string] {
  const r = new Reader(buf);
  let k = '';
  let v = '';
  while (!r.done) {
    const tag = r.varint();
    if (tag >> 3 === 1 && (tag & 7) === 2) k = r.bytes().toString('utf8');
    else if (tag >> 3 === 2 && (tag & 7) === 2) v = asBytes ? r.bytes().toString('base64') : r.bytes().toString('utf8');
    else r.skip(tag & 7);
  }
  return [k, v];
}

function timeOf(buf: Buffer): string {
  const r = new Reader(buf);
  let seconds = 0;
  while (!r.done) {
    const tag = r.varint();
    if (tag >> 3 === 1 && (tag & 7) === 0) seconds = r.varint();
    else r.skip(tag & 7);
  }
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decode(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.varint();
    const field = schema[Math.floor(tag / 8)];
    if (!field) {
      r.skip(tag & 7);
      continue;
    }
    const [name, type] = field;
    if (type === 'int') out[name] = r.varint();
    else if (type === 'bool') out[name] = r.varint() !== 0;
    else {
      const b = r.bytes();
      if (type === 'string') {
        if (b.length) out[name] = b.toString('utf8');
      } else if (type === 'bytes') out[name] = b;
      else if (type === 'time') out[name] = timeOf(b);
      else if (type === 'strings') out[name] = [...((out[name] as string[] | undefined) ?? []), b.toString('utf8')];
      else if (type === 'smap' || type === 'bmap') {
        const [k, v] = mapEntry(b, type === 'bmap');
        out[name] = { ...((out[name] as Record<string, string> | undefined) ?? {}), [k]: v };
      } else if (type.repeated) out[name] = [...((out[name] as unknown[] | undefined) ?? []), decode(b, type.msg)];
      else out[name] = decode(b, type.msg);
    }
  }
  return out;
}

/** Decodes a `k8s\0`-prefixed protobuf body of a supported kind; 415 for other kinds. */
export function decodeKubeProtobuf(body: Buffer): KubeObject {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw bad('missing k8s protobuf magic');
  const unknown = decode(body.subarray(4), UNKNOWN);
  const tm = (unknown['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const schema = KINDS[tm.kind ?? ''];
  if (!schema || tm.apiVersion !== 'v1') {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (protobuf is decoded only for v1 ${Object.keys(KINDS).join(', ')})`);
  }
  const raw = unknown['raw'];
  const obj = decode(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), schema);
  return { apiVersion: tm.apiVersion, kind: tm.kind ?? '', metadata: {}, ...obj } as KubeObject;
}
