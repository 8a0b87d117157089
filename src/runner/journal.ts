/**
 * The run journal: append-only JSONL, one line per finished (item, system). Lines are written whole with one
 * synchronous write each, as results arrive, so killing the process loses at most the calls in flight; the file
 * is fsynced every few seconds and at the end so a power cut loses little more. Reading tolerates a torn last
 * line (a write cut short) and truncates it away before anything is appended.
 */
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeSync, mkdirSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError } from '../util/errors.js';
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

/** Stream every record of a journal (after repairTornTail). A bad line in the middle is corruption: InputError. */
export async function* readJournal(path: string): AsyncGenerator<JournalRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new InputError('journal line is not valid JSON (the journal is corrupt; move it away to start over)', { file: path, line: lineNo });
    }
    if (!isJournalRecord(parsed)) {
      throw new InputError(`not a version ${JOURNAL_VERSION} journal record`, { file: path, line: lineNo });
    }
    yield parsed;
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

  constructor(
    readonly path: string,
    private readonly syncEveryMs = 2000,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  append(record: JournalRecord): void {
    if (this.syncError) throw this.syncError;
    // One write per line: with O_APPEND the line lands whole or (if killed mid-write) as a torn tail we repair.
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
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
