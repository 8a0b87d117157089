/**
 * A cache as one append-only file per store (`<dir>/<name>.log`) with an in-memory index, instead of one file per
 * entry (10,002 files and 41 MB for a 10k-item run). One record a line: `<sha256 key> <written ms> <JSON value>\n`.
 * The index is typed arrays keyed by the digest's first 64 bits (./digest-index.ts), built from the bytes without a
 * string per record, so a run's cache costs a few tens of bytes an entry, not a key string and an object.
 *
 * Safe under concurrent writers (two runs sharing a cache): every record is one write() on a descriptor opened with
 * O_APPEND, which the kernel places at the end of the file whole, so records never interleave. Readers index only
 * complete lines, and a record that fails to parse is a miss, never a wrong answer. A record torn by a killed
 * process is closed with a newline by the next writer that opens the store, so it costs only itself. A key missing
 * from the index is looked for again in whatever the file grew by since (other processes' records). When the file
 * grew by exactly the bytes this store appended since it last looked, nobody else wrote, so its own records are
 * indexed from what it remembers of them (key, length, in order) without reading them back: a cold run misses on
 * every call, and re-reading its own last record each time cost more than the lookup.
 *
 * `prune` rewrites the file (newest record per key, minus what is too old or over the size cap) to a temporary file
 * and renames it over the log under a lock file; readers and writers notice the new file (its inode) and reopen.
 * They look for a new file at most once a second (a stat per lookup and per write cost a tenth of a fast run's cache
 * time), so a record another process appends to the old file in the second after a prune is lost: a later miss.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DigestIndex, hexWordOf } from './digest-index.js';
import { scanLines } from './line-scan.js';

const KEY = /^[0-9a-f]{64}$/;
/** How often an open store checks whether a prune replaced its file. */
const REPLACED_CHECK_MS = 1000;
/** Own records remembered between lookups; past this many (a store that only writes), the next miss reads them back instead. */
const MAX_PENDING = 4096;

export interface StoreStats {
  file: string;
  /** Distinct keys. */
  entries: number;
  /** Records in the file (a key written twice, by two concurrent runs, has two). */
  records: number;
  bytes: number;
  /** Bytes of records superseded by a newer one of the same key, or unreadable. */
  reclaimableBytes: number;
  oldest?: string;
  newest?: string;
}

function parseHeader(bytes: Buffer): { key: string; writtenMs: number; valueStart: number } | undefined {
  const firstSpace = bytes.indexOf(32);
  const secondSpace = firstSpace === -1 ? -1 : bytes.indexOf(32, firstSpace + 1);
  if (firstSpace !== 64 || secondSpace === -1) return undefined;
  const key = bytes.toString('latin1', 0, 64);
  const writtenMs = Number(bytes.toString('latin1', 65, secondSpace));
  if (!KEY.test(key) || !Number.isFinite(writtenMs)) return undefined;
  return { key, writtenMs, valueStart: secondSpace + 1 };
}

/**
 * A record's key (its first two 32-bit words) and written time, read from the bytes without making strings: the
 * index is built from every line of a file that holds a record per call. Undefined for a line that is not a record.
 */
function scanHeader(bytes: Buffer): { hi: number; lo: number; writtenMs: number } | undefined {
  if (bytes.length < 67 || bytes[64] !== 32) return undefined;
  const hi = hexWordOf(bytes, 0);
  const lo = hexWordOf(bytes, 8);
  if (hi < 0 || lo < 0) return undefined;
  for (let at = 16; at < 64; at += 8) if (hexWordOf(bytes, at) < 0) return undefined;
  let writtenMs = 0;
  let at = 65;
  for (; at < bytes.length && bytes[at] !== 32; at++) {
    const d = bytes[at] - 48;
    if (d < 0 || d > 9) return undefined;
    writtenMs = writtenMs * 10 + d;
  }
  if (at === 65 || at === bytes.length) return undefined;
  return { hi, lo, writtenMs };
}

/** The newest record of every key in the file, and how many records (lines that are records) it holds. */
function indexFile(fd: number): { size: number; records: number; index: DigestIndex } {
  const size = fstatSync(fd).size;
  const index = new DigestIndex(true);
  let records = 0;
  scanLines(fd, 0, size, (offset, bytes) => {
    const header = scanHeader(bytes);
    if (!header) return;
    records++;
    index.setWords(header.hi, header.lo, offset, bytes.length, header.writtenMs);
  });
  return { size, records, index };
}

export class CacheStore<T> {
  readonly file: string;
  private readonly lockFile: string;
  private index = new DigestIndex();
  private readFd: number | undefined;
  private readIno = -1;
  private indexedTo = 0;
  private appendFd: number | undefined;
  private appendIno = -1;
  /** When the read and append descriptors were last checked against the file's current inode. */
  private readCheckedAt = -Infinity;
  private appendCheckedAt = -Infinity;
  /**
   * Records this store appended since the index was last brought up to date (key words and length, in write order),
   * or undefined once that is unknown (no reader yet, a new file, the torn-line fix, too many): then a miss reads the
   * file's growth back, as it must for other processes' records anyway.
   */
  private pending: { hi: Uint32Array; lo: Uint32Array; length: Uint32Array; count: number; bytes: number } | undefined;

  /** `valid` rejects a parsed value that is not what this store holds (a miss). */
  constructor(
    dir: string,
    name: string,
    private readonly valid: (value: unknown) => value is T = (v): v is T => v !== undefined,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${name}.log`);
    this.lockFile = join(dir, `${name}.lock`);
  }

  /** The value stored under `key`, or undefined. */
  get(key: string): T | undefined {
    this.refresh(false);
    let at = this.index.get(key);
    if (!at) {
      this.refresh(true);
      at = this.index.get(key);
    }
    if (!at || this.readFd === undefined) return undefined;
    const bytes = Buffer.allocUnsafe(at.length);
    readSync(this.readFd, bytes, 0, at.length, at.offset);
    const header = parseHeader(bytes);
    if (!header || header.key !== key) return undefined;
    try {
      const value: unknown = JSON.parse(bytes.toString('utf8', header.valueStart));
      return this.valid(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Appends one record (one write on an O_APPEND descriptor). */
  set(key: string, value: T): void {
    if (!KEY.test(key)) throw new Error(`cache key must be a sha256 hex digest, got ${JSON.stringify(key)}`);
    const fd = this.appender();
    const record = Buffer.from(`${key} ${Date.now()} ${JSON.stringify(value)}\n`, 'utf8');
    writeSync(fd, record);
    this.remember(record);
  }

  /** Notes an appended record for the next lookup, while the reader and the appender are on the same file. */
  private remember(record: Buffer): void {
    const p = this.pending;
    if (!p) return;
    if (this.appendIno !== this.readIno || p.count === MAX_PENDING) {
      this.pending = undefined;
      return;
    }
    p.hi[p.count] = hexWordOf(record, 0);
    p.lo[p.count] = hexWordOf(record, 8);
    p.length[p.count++] = record.length;
    p.bytes += record.length;
  }

  private resetPending(): void {
    if (this.pending) {
      this.pending.count = 0;
      this.pending.bytes = 0;
    } else {
      this.pending = { hi: new Uint32Array(MAX_PENDING), lo: new Uint32Array(MAX_PENDING), length: new Uint32Array(MAX_PENDING), count: 0, bytes: 0 };
    }
  }

  close(): void {
    if (this.readFd !== undefined) closeSync(this.readFd);
    if (this.appendFd !== undefined) closeSync(this.appendFd);
    this.readFd = this.appendFd = undefined;
  }

  /**
   * Index what the file grew by (`grown`: a key was missing, so look at what other processes appended); every
   * REPLACED_CHECK_MS, also notice a file replaced by a prune and reopen it.
   */
  private refresh(grown: boolean): void {
    if (this.readFd === undefined) {
      if (!existsSync(this.file)) return;
      this.openReader();
    } else if (performance.now() - this.readCheckedAt >= REPLACED_CHECK_MS) {
      this.readCheckedAt = performance.now();
      if (existsSync(this.file) && statSync(this.file).ino !== this.readIno) {
        closeSync(this.readFd);
        this.openReader();
      }
    }
    if (!grown && this.indexedTo > 0) return;
    const size = fstatSync(this.readFd!).size;
    if (size <= this.indexedTo) return;
    const p = this.pending;
    if (p && p.count > 0 && size === this.indexedTo + p.bytes) {
      // Appends only grow the file, so growth of exactly our own bytes is our own records, in the order written.
      let offset = this.indexedTo;
      for (let i = 0; i < p.count; i++) {
        this.index.setWords(p.hi[i], p.lo[i], offset, p.length[i]);
        offset += p.length[i];
      }
      this.indexedTo = size;
      this.resetPending();
      return;
    }
    this.indexedTo = scanLines(this.readFd!, this.indexedTo, size, (offset, bytes) => {
      const header = scanHeader(bytes);
      if (header) this.index.setWords(header.hi, header.lo, offset, bytes.length);
    });
    this.resetPending();
  }

  private openReader(): void {
    this.readFd = openSync(this.file, 'r');
    this.readIno = fstatSync(this.readFd).ino;
    this.readCheckedAt = performance.now();
    this.index = new DigestIndex();
    this.indexedTo = 0;
    // Whatever this store wrote before is in the file the first lookup reads whole.
    this.pending = undefined;
  }

  private appender(): number {
    if (this.appendFd !== undefined && performance.now() - this.appendCheckedAt < REPLACED_CHECK_MS) return this.appendFd;
    this.appendCheckedAt = performance.now();
    const ino = existsSync(this.file) ? statSync(this.file).ino : -1;
    if (this.appendFd === undefined || ino !== this.appendIno) {
      if (this.appendFd !== undefined) closeSync(this.appendFd);
      this.appendFd = openSync(this.file, 'a');
      const stat = fstatSync(this.appendFd);
      this.appendIno = stat.ino;
      if (stat.size > 0) {
        // A record torn by a killed writer: end its line so the next record starts on one of its own.
        const last = Buffer.alloc(1);
        const probe = openSync(this.file, 'r');
        readSync(probe, last, 0, 1, stat.size - 1);
        closeSync(probe);
        if (last[0] !== 10) {
          writeSync(this.appendFd, '\n');
          this.pending = undefined; // a byte that is no record of ours: the next miss reads the growth back
        }
      }
    }
    return this.appendFd;
  }

  /** Entries, records, bytes and what a prune would reclaim. */
  stats(): StoreStats {
    if (!existsSync(this.file)) return { file: this.file, entries: 0, records: 0, bytes: 0, reclaimableBytes: 0 };
    const fd = openSync(this.file, 'r');
    try {
      const { size, records, index } = indexFile(fd);
      let oldest = Infinity;
      let latest = -Infinity;
      let liveBytes = 0;
      for (const r of index.entries()) {
        oldest = Math.min(oldest, r.writtenMs);
        latest = Math.max(latest, r.writtenMs);
        liveBytes += r.length;
      }
      return {
        file: this.file,
        entries: index.size,
        records,
        bytes: size,
        reclaimableBytes: size - liveBytes,
        ...(index.size ? { oldest: new Date(oldest).toISOString(), newest: new Date(latest).toISOString() } : {}),
      };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Keeps the newest record of each key written at or after `olderThan` (ms since the epoch), then drops the
   * oldest until the file is at most `maxBytes`. Returns the stats before and after.
   */
  prune(options: { olderThan?: number; maxBytes?: number }): { before: StoreStats; after: StoreStats } {
    const before = this.stats();
    this.withLock(() => {
      if (!existsSync(this.file)) return;
      const fd = openSync(this.file, 'r');
      const tmp = `${this.file}.${process.pid}.tmp`;
      try {
        let keep = [...indexFile(fd).index.entries()].filter((r) => options.olderThan === undefined || r.writtenMs >= options.olderThan);
        if (options.maxBytes !== undefined) {
          keep.sort((x, y) => y.writtenMs - x.writtenMs || y.offset - x.offset);
          let total = 0;
          keep = keep.filter((r) => (total += r.length) <= options.maxBytes!);
        }
        keep.sort((x, y) => x.offset - y.offset);
        const out = openSync(tmp, 'w');
        try {
          for (const r of keep) {
            const bytes = Buffer.allocUnsafe(r.length);
            readSync(fd, bytes, 0, r.length, r.offset);
            writeSync(out, bytes);
          }
        } finally {
          closeSync(out);
        }
        renameSync(tmp, this.file);
        // This store's own descriptors follow the new file at once.
        this.readCheckedAt = this.appendCheckedAt = -Infinity;
      } finally {
        closeSync(fd);
        rmSync(tmp, { force: true });
      }
    });
    return { before, after: this.stats() };
  }

  private withLock(work: () => void): void {
    try {
      writeFileSync(this.lockFile, `${process.pid}\n`, { flag: 'wx' });
    } catch {
      throw new Error(`another prune holds ${this.lockFile} (delete it if no ftrag process is running)`);
    }
    try {
      work();
    } finally {
      rmSync(this.lockFile, { force: true });
    }
  }
}
