/**
 * Streaming line reader for JSONL files. Hashes the file's bytes in the same pass and refuses a line longer than
 * MAX_LINE_BYTES without buffering it, so a 100,000-line set loads in bounded memory and a runaway line cannot
 * exhaust the heap. (readline would buffer the whole runaway line before we could look at it.)
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError } from '../util/errors.js';

export const MAX_LINE_BYTES = 10 * 1024 * 1024;

export interface NumberedLine {
  /** 1-based line number. */
  line: number;
  text: string;
}

export interface LineReadOptions {
  maxLineBytes?: number;
  /** Called with the file's sha256 (hex) once the whole file has been read. */
  onHash?: (sha256: string) => void;
}

/** Fails with an InputError when the path is missing or not a regular file. */
export async function assertReadableFile(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new InputError('not a regular file', { file });
    return s.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? 'unknown error'})`, { file });
  }
}

/** Yields every line (blank ones included, without the line break; a leading BOM is dropped). */
export async function* readLines(file: string, opts: LineReadOptions = {}): AsyncGenerator<NumberedLine> {
  await assertReadableFile(file);
  const maxBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  let first = true;

  const finish = (parts: Buffer[]): string => {
    let text = decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  const tooLong = (line: number): InputError =>
    new InputError(`line is longer than ${Math.round(maxBytes / 1024 / 1024)} MB; split the record or check the file is JSONL`, {
      file,
      line,
    });

  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      lineNo++;
      if (pendingBytes + piece.length > maxBytes) throw tooLong(lineNo);
      pending.push(piece);
      yield { line: lineNo, text: finish(pending) };
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      // Copy: the stream may reuse its buffer.
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
      if (pendingBytes > maxBytes) throw tooLong(lineNo + 1);
    }
  }
  if (pendingBytes > 0) {
    lineNo++;
    yield { line: lineNo, text: finish(pending) };
  }
  opts.onHash?.(hash.digest('hex'));
}

/** Parses one JSONL line into a plain object, or throws an InputError naming file and line. */
export function parseJsonObjectLine(text: string, file: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = (err as Error).message.replace(/^JSON\.parse: /, '');
    throw new InputError(`invalid JSON (${detail})`, { file, line });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new InputError(`each line must be one JSON object, found ${kind}`, { file, line });
  }
  return value as Record<string, unknown>;
}

export function sha256OfText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
