/**
 * Where invocation log records come from: local files or folders (`.json`, `.jsonl`, gzip-compressed or not) and
 * `s3://bucket/prefix` (listed and read through the S3 SDK, so the same code reads AWS and the emulator's S3).
 * Bedrock delivers `<prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/mm/dd/hh/*.json.gz`, one record
 * a line; a file that is one (pretty-printed) record or a JSON array of records is read too.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { InputError, ServiceError } from '../util/errors.js';
import { s3Sdk } from '../targets/sdk.js';

/** One record's raw JSON value (or the reason it did not parse) with where it was. */
export interface RawRecord {
  file: string;
  line: number;
  value?: unknown;
  /** Set when the text was not JSON (truncated line, garbage). */
  parseError?: string;
}

export interface LogFile {
  /** Path or s3:// URI, as reports name it. */
  name: string;
  read(): Promise<Buffer>;
}

const LOG_FILE = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;
/** Bedrock writes a permission-check object next to the logs; it holds no records. */
const NOT_A_LOG = /amazon-bedrock-logs-permission-check$/;

export function parseS3Prefix(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new InputError(`not an s3:// URI: ${uri}`, { field: 'logs' });
  return { bucket: m[1], prefix: m[2] };
}

/** Every log file under the given sources, in a stable order (sorted by name within each source). */
export async function listLogFiles(sources: readonly string[], s3?: S3Client, cwd = process.cwd()): Promise<LogFile[]> {
  const files: LogFile[] = [];
  for (const source of sources) {
    if (source.startsWith('s3://')) {
      if (!s3) throw new InputError('reading s3:// logs needs an S3 client', { field: 'logs' });
      files.push(...(await listS3(s3, source)));
    } else files.push(...(await listLocal(resolve(cwd, source), source)));
  }
  return files;
}

async function listLocal(path: string, shown: string): Promise<LogFile[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputError('no such file or folder', { file: shown, field: 'logs' });
  }
  if (st.isFile()) return [{ name: shown, read: () => readFile(path) }];
  const out: LogFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = join(dir, e.name);
      const name = join(rel, e.name);
      if (e.isDirectory()) await walk(full, name);
      else if (e.isFile() && LOG_FILE.test(e.name) && !NOT_A_LOG.test(e.name)) out.push({ name, read: () => readFile(full) });
    }
  };
  await walk(path, shown);
  return out;
}

async function listS3(s3: S3Client, uri: string): Promise<LogFile[]> {
  const { bucket, prefix } = parseS3Prefix(uri);
  const keys: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(new s3Sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key && LOG_FILE.test(o.Key) && !NOT_A_LOG.test(o.Key) && !/\/data\//.test(o.Key.slice(prefix.length))) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'NoSuchBucket') throw new InputError(`bucket ${bucket} does not exist`, { field: 'logs', file: uri });
    throw new ServiceError(`cannot list ${uri}: ${(err as Error).message}`, name ?? 'S3ListFailed', { cause: err });
  }
  keys.sort();
  return keys.map((key) => ({ name: `s3://${bucket}/${key}`, read: () => getObject(s3, bucket, key) }));
}

export async function getObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  try {
    const res = await s3.send(new s3Sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  } catch (err) {
    throw new ServiceError(`cannot read s3://${bucket}/${key}: ${(err as Error).message}`, (err as { name?: string }).name ?? 'S3GetFailed', { cause: err });
  }
}

/** The file's records with their line numbers. A gzip stream that is cut short yields what it holds, then one bad record. */
export function recordsOf(name: string, bytes: Buffer): RawRecord[] {
  let text: string;
  const out: RawRecord[] = [];
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch (err) {
      // A truncated .gz: keep the complete lines before the cut and report the cut.
      try {
        text = gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).toString('utf8');
      } catch {
        return [{ file: name, line: 1, parseError: `not a readable gzip file: ${(err as Error).message}` }];
      }
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      out.push(...linesOf(name, complete));
      out.push({ file: name, line: complete.split('\n').length, parseError: `gzip stream is truncated: ${(err as Error).message}` });
      return out;
    }
  } else text = bytes.toString('utf8');
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !/}\s*\n\s*{/.test(trimmed))) {
    // One record (perhaps pretty-printed) or an array of records.
    try {
      const whole = JSON.parse(trimmed) as unknown;
      if (Array.isArray(whole)) return whole.map((value, i) => ({ file: name, line: i + 1, value }));
      return [{ file: name, line: 1, value: whole }];
    } catch {
      // Not one JSON value: read it line by line, so the bad lines are named.
    }
  }
  return linesOf(name, text);
}

function linesOf(name: string, text: string): RawRecord[] {
  const out: RawRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      out.push({ file: name, line: i + 1, value: JSON.parse(line) as unknown });
    } catch (err) {
      out.push({ file: name, line: i + 1, parseError: `invalid JSON (${(err as Error).message})` });
    }
  }
  return out;
}
