/**
 * S3 REST (path style) over HTTP/1.1: CreateBucket, PutObject, GetObject, HeadObject, DeleteObject, ListObjectsV2.
 * Errors use S3's XML shape so the SDK raises NoSuchKey / NoSuchBucket etc.
 */
import type { AnyRequest, AnyResponse } from './http-util.js';
import { readBody } from './http-util.js';
import { S3Error, S3Store, etagOf } from './s3-store.js';
import type { ServerResponse } from 'node:http';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function sendXml(res: AnyResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  (res as ServerResponse).writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export function sendS3Error(res: AnyResponse, method: string, err: S3Error, requestId: string): void {
  if (method === 'HEAD') {
    (res as ServerResponse).writeHead(err.status, { 'x-amz-request-id': requestId });
    res.end();
    return;
  }
  sendXml(res, err.status, `<Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message><RequestId>${requestId}</RequestId></Error>`, {
    'x-amz-request-id': requestId,
  });
}

/** Decodes `Content-Encoding: aws-chunked` bodies (SigV4 streaming and trailing-checksum uploads). */
export function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', pos);
    if (eol < 0) throw new S3Error(400, 'IncompleteBody', 'Malformed aws-chunked body.');
    const size = parseInt(raw.subarray(pos, eol).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) throw new S3Error(400, 'IncompleteBody', 'Malformed aws-chunked chunk size.');
    pos = eol + 2;
    if (size === 0) break;
    if (pos + size > raw.length) throw new S3Error(400, 'IncompleteBody', 'Truncated aws-chunked body.');
    parts.push(raw.subarray(pos, pos + size));
    pos += size + 2;
  }
  return Buffer.concat(parts);
}

/** Splits `/bucket/key...` into decoded parts. The raw path keeps `%2F` etc. so decoding happens once, here. */
function splitPath(rawPath: string): { bucket: string; key: string } {
  const trimmed = rawPath.replace(/^\//, '');
  const slash = trimmed.indexOf('/');
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3Error(400, 'InvalidURI', 'Could not parse the specified URI.');
    }
  };
  if (slash < 0) return { bucket: decode(trimmed), key: '' };
  return { bucket: decode(trimmed.slice(0, slash)), key: decode(trimmed.slice(slash + 1)) };
}

export async function handleS3(store: S3Store, req: AnyRequest, res: AnyResponse, url: URL, rawPath: string): Promise<void> {
  const method = req.method ?? 'GET';
  const { bucket, key } = splitPath(rawPath);
  if (!bucket) throw new S3Error(400, 'InvalidRequest', 'ListBuckets is not served by the emulator; use path-style bucket URLs.');
  if (!key) {
    if (method === 'PUT') {
      await readBody(req);
      store.createBucket(bucket);
      (res as ServerResponse).writeHead(200, { location: `/${bucket}` });
      res.end();
      return;
    }
    if (method === 'HEAD') {
      if (!store.bucketExists(bucket)) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist.');
      (res as ServerResponse).writeHead(200);
      res.end();
      return;
    }
    if (method === 'GET' && url.searchParams.get('list-type') === '2') return listObjectsV2(store, bucket, url, res);
    throw new S3Error(405, 'MethodNotAllowed', `${method} on a bucket is not served by the emulator.`);
  }
  switch (method) {
    case 'PUT': {
      if (req.headers['x-amz-copy-source']) throw new S3Error(501, 'NotImplemented', 'CopyObject is not served by the emulator.');
      let body = await readBody(req);
      const encoding = String(req.headers['content-encoding'] ?? '');
      const sha = String(req.headers['x-amz-content-sha256'] ?? '');
      if (encoding.includes('aws-chunked') || sha.startsWith('STREAMING-')) body = decodeAwsChunked(body);
      const etag = store.put(bucket, key, body);
      (res as ServerResponse).writeHead(200, { etag });
      res.end();
      return;
    }
    case 'GET':
    case 'HEAD': {
      const { data, info } = store.get(bucket, key);
      (res as ServerResponse).writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(data.length),
        etag: etagOf(data),
        'last-modified': info.lastModified.toUTCString(),
      });
      if (method === 'GET') res.end(data);
      else res.end();
      return;
    }
    case 'DELETE':
      store.delete(bucket, key);
      (res as ServerResponse).writeHead(204);
      res.end();
      return;
    default:
      throw new S3Error(405, 'MethodNotAllowed', `${method} on an object is not served by the emulator.`);
  }
}

function listObjectsV2(store: S3Store, bucket: string, url: URL, res: AnyResponse): void {
  const prefix = url.searchParams.get('prefix') ?? '';
  const delimiter = url.searchParams.get('delimiter') ?? '';
  const maxKeysRaw = url.searchParams.get('max-keys');
  const maxKeys = maxKeysRaw === null ? 1000 : Number(maxKeysRaw);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error(400, 'InvalidArgument', 'max-keys must be a non-negative integer.');
  const token = url.searchParams.get('continuation-token');
  const startAfter = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : url.searchParams.get('start-after') ?? '';
  const all = store.list(bucket, prefix).filter((o) => Buffer.compare(Buffer.from(o.key), Buffer.from(startAfter)) > 0);

  // Group keys under CommonPrefixes when a delimiter is given; each prefix counts once toward max-keys.
  const entries: ({ kind: 'object'; key: string; size: number; lastModified: Date } | { kind: 'prefix'; key: string })[] = [];
  const seenPrefixes = new Set<string>();
  let truncated = false;
  let lastKey = '';
  for (const o of all) {
    let entryKey = o.key;
    let isPrefix = false;
    if (delimiter) {
      const idx = o.key.indexOf(delimiter, prefix.length);
      if (idx >= 0) {
        entryKey = o.key.slice(0, idx + delimiter.length);
        isPrefix = true;
      }
    }
    if (isPrefix && seenPrefixes.has(entryKey)) {
      lastKey = o.key;
      continue;
    }
    if (entries.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (isPrefix) {
      seenPrefixes.add(entryKey);
      entries.push({ kind: 'prefix', key: entryKey });
    } else entries.push({ kind: 'object', key: o.key, size: o.size, lastModified: o.lastModified });
    lastKey = o.key;
  }
  const contents = entries
    .map((e) =>
      e.kind === 'object'
        ? `<Contents><Key>${xmlEscape(e.key)}</Key><LastModified>${e.lastModified.toISOString()}</LastModified><Size>${e.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`
        : `<CommonPrefixes><Prefix>${xmlEscape(e.key)}</Prefix></CommonPrefixes>`,
    )
    .join('');
  const next = truncated ? `<NextContinuationToken>${Buffer.from(lastKey).toString('base64url')}</NextContinuationToken>` : '';
  const tokenXml = token !== null ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '';
  sendXml(
    res,
    200,
    `<ListBucketResult xmlns="${XMLNS}"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>${
      delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : ''
    }<KeyCount>${entries.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${tokenXml}${next}${contents}</ListBucketResult>`,
  );
}
