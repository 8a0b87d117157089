/**
 * The emulator's S3: objects are files under `<dataDir>/s3/<bucket>/<key>`. Every bucket name and key is checked before
 * it touches the file system, and the resolved path must stay inside the bucket directory, so no key can escape the
 * data dir (`..`, absolute paths, NUL, backslashes, percent-encoded dots all fail). Symbolic links are never followed:
 * a bucket, folder or object that is a symlink is refused (403 AccessDenied) for reads, writes and deletes, and listings
 * skip it, so a link planted in the data dir cannot expose or overwrite a file outside it.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, rmdirSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { writeFileAtomic } from './store.js';

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkBucketName(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) throw new S3Error(400, 'InvalidBucketName', `The specified bucket is not valid: ${JSON.stringify(bucket)}`);
}

/** Keys map to relative file paths; anything that could be read as a path trick is refused, not normalised. */
export function checkKey(key: string): void {
  const bad = (why: string): never => {
    throw new S3Error(400, 'InvalidArgument', `Object key ${JSON.stringify(key)} is not accepted by the emulator: ${why}.`);
  };
  if (key.length === 0) bad('empty key');
  if (Buffer.byteLength(key) > 1024) bad('longer than 1024 bytes');
  if (key.includes('\u0000')) bad('contains NUL');
  if (key.includes('\\')) bad('contains a backslash');
  if (key.startsWith('/')) bad('absolute path');
  if (/%2e|%2f|%5c|%00/i.test(key)) bad('contains a percent-encoded path character');
  const segments = key.split('/');
  if (segments.some((s) => s === '..' || s === '.')) bad('contains a "." or ".." segment');
  if (segments.some((s) => s === '')) bad('empty path segment (directory markers and "//" are not stored)');
}

export interface S3ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export class S3Store {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 's3');
    this.tmpDir = resolve(dataDir, 'tmp');
    mkdirSync(this.root, { recursive: true });
  }

  private bucketDir(bucket: string): string {
    checkBucketName(bucket);
    const dir = resolve(this.root, bucket);
    if (dirname(dir) !== this.root) throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.');
    return dir;
  }

  private objectPath(bucket: string, key: string): string {
    checkKey(key);
    const base = this.bucketDir(bucket);
    const file = resolve(base, ...key.split('/'));
    if (!file.startsWith(base + sep)) throw new S3Error(400, 'InvalidArgument', 'Object key escapes the bucket.');
    refuseSymlinks(base, key);
    return file;
  }

  private existingBucket(bucket: string): string {
    const dir = this.bucketDir(bucket);
    if (isSymlink(dir)) throw symlinkRefusal(bucket);
    if (!existsSync(dir)) throw new S3Error(404, 'NoSuchBucket', `The specified bucket does not exist: ${bucket}`);
    return dir;
  }

  bucketExists(bucket: string): boolean {
    return existsSync(this.bucketDir(bucket));
  }

  createBucket(bucket: string): void {
    mkdirSync(this.bucketDir(bucket), { recursive: true });
  }

  put(bucket: string, key: string, data: Buffer): string {
    this.existingBucket(bucket);
    const file = this.objectPath(bucket, key);
    try {
      mkdirSync(dirname(file), { recursive: true });
      if (existsSync(file) && statSync(file).isDirectory()) throw new Error('directory');
      writeFileAtomic(file, data, this.tmpDir);
    } catch {
      // On S3 `a` and `a/b` can coexist; on a file system they cannot. Say so instead of corrupting either.
      throw new S3Error(409, 'OperationAborted', `Key ${JSON.stringify(key)} conflicts with an existing key prefix in the emulator's file-backed store.`);
    }
    return etagOf(data);
  }

  get(bucket: string, key: string): { data: Buffer; info: S3ObjectInfo } {
    this.existingBucket(bucket);
    const file = this.objectPath(bucket, key);
    let fd: number;
    try {
      // O_NOFOLLOW: a link swapped in after the check above is still not followed.
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefusal(key);
      throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      const data = readFileSync(fd);
      return { data, info: { key, size: data.length, etag: etagOf(data), lastModified: st.mtime } };
    } finally {
      closeSync(fd);
    }
  }

  delete(bucket: string, key: string): void {
    const base = this.existingBucket(bucket);
    const file = this.objectPath(bucket, key);
    rmSync(file, { force: true });
    // Remove now-empty parent directories so listings and later puts see the same shape S3 would.
    let dir = dirname(file);
    while (dir !== base && dir.startsWith(base) && readdirSync(dir).length === 0) {
      rmdirSync(dir);
      dir = dirname(dir);
    }
  }

  /** All objects in the bucket whose key starts with prefix, sorted by key (S3 lists in UTF-8 binary order). */
  list(bucket: string, prefix = ''): S3ObjectInfo[] {
    const base = this.existingBucket(bucket);
    const out: S3ObjectInfo[] = [];
    const walk = (dir: string, keyPrefix: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const key = keyPrefix + entry.name;
        if (entry.isDirectory()) {
          if (prefix.startsWith(key + '/') || (key + '/').startsWith(prefix)) walk(join(dir, entry.name), key + '/');
        } else if (entry.isFile() && key.startsWith(prefix)) {
          const st = statSync(join(dir, entry.name));
          out.push({ key, size: st.size, etag: '', lastModified: st.mtime });
        }
      }
    };
    walk(base, '');
    out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    return out;
  }

  /** Reads an `s3://bucket/key` URI (used by jobs and ingestion). */
  readUri(uri: string): Buffer {
    const { bucket, key } = parseS3Uri(uri);
    return this.get(bucket, key).data;
  }

  writeUri(uri: string, data: Buffer | string): void {
    const { bucket, key } = parseS3Uri(uri);
    if (!this.bucketExists(bucket)) this.createBucket(bucket);
    this.put(bucket, key, Buffer.isBuffer(data) ? data : Buffer.from(data));
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function symlinkRefusal(what: string): S3Error {
  return new S3Error(403, 'AccessDenied', `Access Denied: ${JSON.stringify(what)} is a symbolic link in the emulator's data dir, and the emulator never follows symbolic links.`);
}

/** Refuses when the bucket directory or any existing component of the key's path is a symbolic link. */
function refuseSymlinks(bucketDir: string, key: string): void {
  if (isSymlink(bucketDir)) throw symlinkRefusal(basename(bucketDir));
  let path = bucketDir;
  for (const segment of key.split('/')) {
    path = join(path, segment);
    if (isSymlink(path)) throw symlinkRefusal(key);
    if (!existsSync(path)) return;
  }
}

export function etagOf(data: Buffer): string {
  return `"${createHash('md5').update(data).digest('hex')}"`;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new S3Error(400, 'InvalidArgument', `Not an S3 URI: ${JSON.stringify(uri)}`);
  checkBucketName(m[1]);
  return { bucket: m[1], key: m[2] };
}

/** Joins an S3 URI prefix and a relative key without doubling slashes. */
export function joinS3Uri(prefix: string, ...parts: string[]): string {
  return [prefix.replace(/\/+$/, ''), ...parts].join('/');
}
