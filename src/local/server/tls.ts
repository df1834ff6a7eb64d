/**
 * A throwaway certificate authority and serving certificate for the local cluster, made at
 * start with node:crypto alone: ECDSA P-256 keys (cheap TLS handshakes, which matter because
 * client-node opens a new connection per request) and X.509 v3 certificates written in DER
 * (see der.ts). The serving certificate names localhost, kubernetes(.default(.svc)),
 * 127.0.0.1 and ::1, plus any extra hosts.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { Clock } from '../../clock/index.js';
import { bits, bool, explicit, implicit, octets, oid, seq, set, time, uint, utf8 } from './der.js';

/** PEM material for the HTTPS server and its clients. */
export interface ClusterCerts {
  caCert: string;
  cert: string;
  key: string;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function name(cn: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), utf8(cn))));
}

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  issuerKeyId: Buffer;
  notBefore: number;
  notAfter: number;
  extensions: Buffer[];
}

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

function certificate(c: CertSpec): Buffer {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const tbs = seq(
    explicit(0, uint(Buffer.from([2]))),
    uint(serial),
    ECDSA_SHA256,
    name(c.issuer),
    seq(time(c.notBefore), time(c.notAfter)),
    name(c.subject),
    c.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      seq(...c.extensions, ext('2.5.29.14', false, octets(keyId(c.publicKey))), ext('2.5.29.35', false, seq(implicit(0, c.issuerKeyId)))),
    ),
  );
  return seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, c.signer)));
}

/**
 * Makes a CA and a serving certificate. Validity runs from a year before to ten years after
 * the clock's `now`, so a fake clock set near the present still yields certificates TLS accepts.
 */
export function makeClusterCerts(clock: Clock, hosts: string[] = []): ClusterCerts {
  const now = clock.now();
  const notBefore = now - YEAR_MS;
  const notAfter = now + 10 * YEAR_MS;
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caDer = certificate({
    subject: 'sluice-local-ca',
    issuer: 'sluice-local-ca',
    publicKey: ca.publicKey,
    signer: ca.privateKey,
    issuerKeyId: keyId(ca.publicKey),
    notBefore,
    notAfter,
    extensions: [ext('2.5.29.19', true, seq(bool(true))), ext('2.5.29.15', true, bits(Buffer.from([0x86]), 1))],
  });
  const srv = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const dns = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', ...hosts.filter((h) => !isIP(h))];
  const ips = ['127.0.0.1', '::1', ...hosts.filter((h) => isIP(h))];
  const san = seq(...dns.map((d) => implicit(2, Buffer.from(d, 'ascii'))), ...ips.map((ip) => implicit(7, ipBytes(ip))));
  const srvDer = certificate({
    subject: 'kube-apiserver',
    issuer: 'sluice-local-ca',
    publicKey: srv.publicKey,
    signer: ca.privateKey,
    issuerKeyId: keyId(ca.publicKey),
    notBefore,
    notAfter,
    extensions: [
      ext('2.5.29.19', true, seq()),
      ext('2.5.29.15', true, bits(Buffer.from([0x80]), 7)),
      ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
      ext('2.5.29.17', false, san),
    ],
  });
  return {
    caCert: pem('CERTIFICATE', caDer),
    cert: pem('CERTIFICATE', srvDer),
    key: srv.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
