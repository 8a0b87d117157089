/**
 * The run journal: append-only JSONL, one line per finished (item, system). Lines are written whole with one
 * synchronous write each, as results arrive, so killing the process loses at most the calls in flight; the file
 * is fsynced every few seconds and at the end so a power cut loses little more. Reading tolerates a torn last
 * line (a write cut short) and truncates it away before anything is appended.
 */
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../util/errors.js';
import { scanLines } from '../util/line-scan.js';
import type { TargetResponse } from '../targets/types.js';

export const JOURNAL_VERSION = 1;

export interface JournalRecord {
  v: 1;
  itemId: string;
  systemId: string;
  ok: boolean;
  response?: TargetResponse;
  error?: { code: string; message: string };
  /** Attempts beyond the first. */
  retries: number;
  /** Attempts that were throttled (a subset of the failed attempts). */
  throttles: number;
  /** The response came from the response cache; its latency is the original call's. */
  cached?: boolean;
  startedAt: string;
  finishedAt: string;
}

export function pairKey(itemId: string, systemId: string): string {
  return `${itemId}\u0000${systemId}`;
}

export function isJournalRecord(x: unknown): x is JournalRecord {
  const r = x as JournalRecord;
  return (
    !!r &&
    typeof r === 'object' &&
    r.v === JOURNAL_VERSION &&
    typeof r.itemId === 'string' &&
    typeof r.systemId === 'string' &&
    typeof r.ok === 'boolean' &&
    typeof r.retries === 'number' &&
    typeof r.throttles === 'number'
  );
}

/**
 * If the file does not end in a newline, its last line is the remains of an interrupted write: drop it when it
 * does not parse, or complete it with a newline when it does. Returns whether a torn line was removed.
 */
export function repairTornTail(path: string): boolean {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return false;
    // Scan backwards for the previous newline, a block at a time.
    let end = size;
    let lineStart = 0;
    const block = Buffer.alloc(64 * 1024);
    search: while (end > 0) {
      const start = Math.max(0, end - block.length);
      const n = readSync(fd, block, 0, end - start, start);
      for (let i = n - 1; i >= 0; i--) {
        if (block[i] === 0x0a) {
          lineStart = start + i + 1;
          break search;
        }
      }
      end = start;
    }
    const tail = Buffer.alloc(size - lineStart);
    readSync(fd, tail, 0, tail.length, lineStart);
    try {
      if (isJournalRecord(JSON.parse(tail.toString('utf8')))) {
        writeSync(fd, '\n', size);
        return false;
      }
    } catch {
      // unparseable: fall through and truncate
    }
    ftruncateSync(fd, lineStart);
    return true;
  } finally {
    closeSync(fd);
  }
}

/** A journal line with where it lies in the file, so a reader can come back to it with one positioned read. */
export interface JournalEntry {
  record: JournalRecord;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** The line's length in bytes, without its newline. */
  length: number;
}

/** Bytes the journal is scanned by at a time (a longer line widens the window until it fits). */
const WINDOW = 1 << 20;

/**
 * Stream every record of a journal (after repairTornTail) with its byte position, a window of lines at a time (the
 * cache store's line scanner, so offsets are exact for any UTF-8). A bad line in the middle is corruption: InputError.
 */
export async function* readJournalEntries(path: string): AsyncGenerator<JournalEntry> {
  let lineNo = 0;
  let batch: JournalEntry[] = [];
  const collect = (offset: number, bytes: Buffer): void => {
    lineNo++;
    const body = bytes[bytes.length - 1] === 0x0a ? bytes.subarray(0, bytes.length - 1) : bytes;
    const line = body.toString('utf8');
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new InputError('journal line is not valid JSON (the journal is corrupt; move it away to start over)', { file: path, line: lineNo });
    }
    if (!isJournalRecord(parsed)) {
      throw new InputError(`not a version ${JOURNAL_VERSION} journal record`, { file: path, line: lineNo });
    }
    // A CRLF line keeps its \r inside the recorded length: JSON.parse reads it as whitespace.
    batch.push({ record: parsed, offset, length: body.length });
  };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    for (let at = 0; at < size; ) {
      let to = Math.min(size, at + WINDOW);
      let end = scanLines(fd, at, to, collect);
      while (end === at && to < size) {
        to = Math.min(size, at + 2 * (to - at));
        end = scanLines(fd, at, to, collect);
      }
      if (end === at) {
        // No newline before the end of the file: its last line, unterminated.
        const tail = Buffer.allocUnsafe(size - at);
        readSync(fd, tail, 0, tail.length, at);
        collect(at, tail);
        end = size;
      }
      at = end;
      const lines = batch;
      batch = [];
      yield* lines;
    }
  } finally {
    closeSync(fd);
  }
}

/** Stream every record of a journal (after repairTornTail). A bad line in the middle is corruption: InputError. */
export async function* readJournal(path: string): AsyncGenerator<JournalRecord> {
  for await (const entry of readJournalEntries(path)) yield entry.record;
}

/**
 * Reads single journal lines back by the position readJournalEntries or JournalWriter.append reported, so a run can
 * keep 12 bytes a pair instead of the record itself.
 */
export class JournalLineReader {
  private readonly fd: number;
  private buffer = Buffer.alloc(4096);

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  read(offset: number, length: number): JournalRecord {
    if (this.buffer.length < length) this.buffer = Buffer.alloc(Math.max(length, this.buffer.length * 2));
    const n = readSync(this.fd, this.buffer, 0, length, offset);
    let parsed: unknown;
    try {
      parsed = n === length ? JSON.parse(this.buffer.toString('utf8', 0, length)) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isJournalRecord(parsed)) {
      throw new InputError(`no journal record at byte ${offset} (${length} bytes): the journal changed while the run read it`, { file: this.path });
    }
    return parsed;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function journalHasContent(path: string): boolean {
  return existsSync(path) && statSync(path).size > 0;
}

export class JournalWriter {
  private readonly fd: number;
  private lastSync = performance.now();
  private dirty = false;
  /** The background fsync in flight, if any; close() waits for it. */
  private syncing: Promise<void> | undefined;
  private syncError: Error | undefined;
  /** Bytes in the file, known from the first append on (a resume repairs the file's tail after opening it). */
  private size: number | undefined;

  constructor(
    readonly path: string,
    private readonly syncEveryMs = 2000,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  /** Appends one line; returns where it lies (for JournalLineReader). */
  append(record: JournalRecord): { offset: number; length: number } {
    if (this.syncError) throw this.syncError;
    this.size ??= fstatSync(this.fd).size;
    // One write per line: with O_APPEND the line lands whole or (if killed mid-write) as a torn tail we repair.
    const written = writeSync(this.fd, `${JSON.stringify(record)}\n`);
    const at = { offset: this.size, length: written - 1 };
    this.size += written;
    this.dirty = true;
    const now = performance.now();
    if (now - this.lastSync >= this.syncEveryMs && !this.syncing) {
      // fsync off the event loop (libuv's thread pool): on a busy disk it can take tens of milliseconds, and every call
      // in flight would have that stall added to its measured latency.
      this.lastSync = now;
      this.dirty = false;
      this.syncing = new Promise<void>((done) =>
        fsync(this.fd, (err) => {
          if (err) this.syncError = err;
          this.syncing = undefined;
          done();
        }),
      );
    }
    return at;
  }

  /** Waits for a background fsync, makes everything written durable, and closes the file. */
  async close(): Promise<void> {
    await this.syncing;
    try {
      if (this.dirty) fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
    if (this.syncError) throw this.syncError;
  }
}
