/**
 * Request authentication as AWS does it, with AWS's own error types and messages.
 *
 * Default: every request must carry a well-formed SigV4 signature (Authorization header or presigned query) scoped to
 * the emulator's region and the right signing service (`bedrock` for the four Bedrock clients, `s3` for S3); the
 * signature itself is not recomputed, so any credentials work. Bedrock also accepts a bearer API key
 * (`AWS_BEARER_TOKEN_BEDROCK`). With `credentials` set (`ftrag emulator --credentials KEY:SECRET`), the access key must
 * be that key and the signature is recomputed with the SDK's own signer (@smithy/signature-v4), so a wrong secret, a
 * clock more than 15 minutes off or a tampered body fail locally as they would on AWS. Nothing here is logged.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AnyRequest } from './http-util.js';
import { ApiError } from './http-util.js';
import { S3Error } from './s3-store.js';

export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Parses `KEY:SECRET` (the `--credentials` flag). */
export function parseCredentials(spec: string): EmulatorCredentials {
  const at = spec.indexOf(':');
  if (at <= 0 || at === spec.length - 1) throw new Error('expected KEY:SECRET (an access key id, a colon, a secret access key)');
  return { accessKeyId: spec.slice(0, at), secretAccessKey: spec.slice(at + 1) };
}

export interface SignatureParts {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** x-amz-date (header or query). */
  amzDate?: string;
  presigned: boolean;
}

const AUTH_RE = /^AWS4-HMAC-SHA256\s+(.*)$/s;
const MAX_SKEW_MS = 15 * 60 * 1000;

type Failure = { kind: 'missing' } | { kind: 'incomplete'; message: string } | { kind: 'scope'; message: string } | { kind: 'unknown-key' } | { kind: 'mismatch' } | { kind: 'expired'; message: string };

/** Reads the SigV4 parts of a request; `undefined` when it carries no signature at all. */
export function readSignature(req: AnyRequest, url: URL): SignatureParts | Failure {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.trim() !== '') {
    const m = AUTH_RE.exec(auth.trim());
    if (!m) return { kind: 'incomplete', message: incompleteMessage(auth) };
    const fields = new Map<string, string>();
    for (const part of m[1].split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    const amzDate = header(req, 'x-amz-date') ?? header(req, 'date');
    if (!credential || !signedHeaders || !signature || !amzDate) return { kind: 'incomplete', message: incompleteMessage(auth, { credential, signedHeaders, signature, amzDate }) };
    return withScope(credential, signedHeaders, signature, header(req, 'x-amz-date'), false);
  }
  const q = url.searchParams;
  if (q.has('X-Amz-Algorithm') || q.has('X-Amz-Signature')) {
    const credential = q.get('X-Amz-Credential');
    const signedHeaders = q.get('X-Amz-SignedHeaders');
    const signature = q.get('X-Amz-Signature');
    const amzDate = q.get('X-Amz-Date');
    if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !credential || !signedHeaders || !signature || !amzDate) {
      return { kind: 'incomplete', message: 'AWS query-string parameters must include X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date and X-Amz-SignedHeaders.' };
    }
    return withScope(credential, signedHeaders, signature, amzDate, true);
  }
  return { kind: 'missing' };
}

function header(req: AnyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function incompleteMessage(auth: string, got: { credential?: string; signedHeaders?: string; signature?: string; amzDate?: string } = {}): string {
  if (!AUTH_RE.test(auth.trim())) return `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`;
  const missing: string[] = [];
  if (!got.credential) missing.push("Authorization header requires 'Credential' parameter.");
  if (!got.signature) missing.push("Authorization header requires 'Signature' parameter.");
  if (!got.signedHeaders) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (!got.amzDate) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  return missing.join(' ');
}

function withScope(credential: string, signedHeaders: string, signature: string, amzDate: string | undefined, presigned: boolean): SignatureParts | Failure {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    return { kind: 'incomplete', message: `Credential should be scoped to a valid region. Credential should be scoped with a valid terminator: 'aws4_request'. ` };
  }
  const [accessKeyId, date, region, service] = parts;
  if (accessKeyId === '') return { kind: 'unknown-key' };
  if (!/^[0-9a-f]{64}$/.test(signature)) return { kind: 'incomplete', message: 'The Signature must be 64 lowercase hexadecimal characters.' };
  const headers = signedHeaders.split(';').map((h) => h.trim().toLowerCase());
  // Over HTTP/2 the SDK signs `:authority` (its name for host).
  if (!headers.includes('host') && !headers.includes(':authority')) return { kind: 'incomplete', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." };
  return { accessKeyId, date, region, service, signedHeaders: headers, signature, amzDate, presigned };
}

export interface AuthOptions {
  region: string;
  credentials?: EmulatorCredentials;
  /** `s3` for S3 requests, `sagemaker` for the SageMaker control plane and runtime, `bedrock` for the rest. */
  service: 'bedrock' | 's3' | 'sagemaker';
  body: Buffer;
  now?: Date;
}

/** Throws AWS's error when the request is not acceptably signed. */
export async function authenticate(req: AnyRequest, url: URL, rawPath: string, opts: AuthOptions): Promise<void> {
  const auth = req.headers.authorization;
  if (opts.service === 'bedrock' && typeof auth === 'string' && /^Bearer\s+\S+/.test(auth)) {
    // Bedrock API keys cannot be checked locally; with --credentials only SigV4 proves the caller knows the secret.
    if (opts.credentials) throw fail({ kind: 'unknown-key' }, opts);
    return;
  }
  const sig = readSignature(req, url);
  if ('kind' in sig) throw fail(sig, opts);
  if (sig.service !== opts.service) throw fail({ kind: 'scope', message: `Credential should be scoped to correct service: '${opts.service}'. ` }, opts);
  if (sig.region !== opts.region) {
    if (opts.service === 's3') throw new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${sig.region}' is wrong; expecting '${opts.region}'`);
    throw fail({ kind: 'scope', message: `Credential should be scoped to a valid region. ` }, opts);
  }
  if (sig.amzDate && !sig.amzDate.startsWith(sig.date)) {
    throw fail({ kind: 'scope', message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${sig.date}' != '${sig.amzDate.slice(0, 8)}', from '${sig.amzDate}'.` }, opts);
  }
  if (!opts.credentials) return;
  if (sig.accessKeyId !== opts.credentials.accessKeyId) throw fail({ kind: 'unknown-key' }, opts);
  const signedAt = parseAmzDate(sig.amzDate);
  const now = opts.now ?? new Date();
  if (!signedAt) throw fail({ kind: 'incomplete', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." }, opts);
  if (!sig.presigned && Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) {
    const fmt = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const earlier = signedAt < now;
    const bound = new Date(now.getTime() + (earlier ? -MAX_SKEW_MS : MAX_SKEW_MS));
    throw fail({ kind: 'expired', message: `Signature ${earlier ? 'expired' : 'not yet current'}: ${fmt(signedAt)} is now ${earlier ? 'earlier' : 'later'} than ${fmt(bound)} (${fmt(now)} ${earlier ? '-' : '+'} 15 min.)` }, opts);
  }
  // Presigned URLs (S3 GET links) are checked for key and scope only; their query-signed form is not recomputed.
  if (sig.presigned) return;
  const expected = await expectedSignature(req, url, rawPath, sig, opts);
  const a = Buffer.from(expected);
  const b = Buffer.from(sig.signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw fail({ kind: 'mismatch' }, opts);
}

function parseAmzDate(v: string | undefined): Date | undefined {
  if (!v) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** SHA-256 (and HMAC-SHA-256 with a key) in the shape the smithy signer expects. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

function toBytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === 'string') return d;
  if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return new Uint8Array(d);
}

async function expectedSignature(req: AnyRequest, url: URL, rawPath: string, sig: SignatureParts, opts: AuthOptions): Promise<string> {
  const creds = opts.credentials!;
  const headers: Record<string, string> = {};
  for (const name of sig.signedHeaders) {
    let v = req.headers[name];
    if (name === 'host' && v === undefined) v = req.headers[':authority'];
    if (v === undefined) continue;
    headers[name] = Array.isArray(v) ? v.join(',') : String(v);
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const token = header(req, 'x-amz-security-token');
  const signer = new SignatureV4({
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, ...(token ? { sessionToken: token } : {}) },
    region: opts.region,
    service: opts.service,
    sha256: Sha256,
    // S3 signs the path as sent and the payload hash from its header; the Bedrock services escape the path again.
    uriEscapePath: opts.service !== 's3',
    applyChecksum: false,
  });
  // A plain request object: the signer clones it into its own HttpRequest.
  const request = { method: req.method ?? 'GET', protocol: 'http:', hostname: '127.0.0.1', path: rawPath, query, headers, body: opts.body };
  const signed = await signer.sign(request, { signingDate: parseAmzDate(sig.amzDate)!, signableHeaders: new Set(sig.signedHeaders) });
  const m = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization));
  return m ? m[1] : '';
}

/** AWS's error for each failure, in the JSON (Bedrock) or XML (S3) family. */
function fail(f: Failure, opts: AuthOptions): Error {
  if (opts.service === 's3') {
    switch (f.kind) {
      case 'missing':
        return new S3Error(403, 'AccessDenied', 'Access Denied');
      case 'incomplete':
        return new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; ${f.message}`);
      case 'scope':
        return new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; ${f.message}`);
      case 'unknown-key':
        return new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
      case 'mismatch':
        return new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
      case 'expired':
        return new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
    }
  }
  switch (f.kind) {
    case 'missing':
      return new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    case 'incomplete':
      return new ApiError(403, 'IncompleteSignatureException', f.message);
    case 'scope':
      return new ApiError(403, 'InvalidSignatureException', f.message);
    case 'unknown-key':
      return new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'mismatch':
      return new ApiError(
        403,
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    case 'expired':
      return new ApiError(403, 'InvalidSignatureException', f.message);
  }
}
